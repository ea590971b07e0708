"""Build the nbgitpuller link that puts the course into every student's home on a JupyterHub.

A student clicks the link; the hub logs them in, starts their server, and nbgitpuller clones the
repository into their home (first click) or merges the new commits into it, keeping the student's
own edits (every later click). Then JupyterLab opens at the notebook the link names.

Link to the students' copy of the course (``make student-copy``; coursework/INSTRUCTORS.md), never
to the main repository, whose ``coursework/source/`` holds the solutions and hidden tests.

nbgitpuller follows a **branch**. A tag works for the first click only: a later click runs
``git diff ..origin/<tag>``, which does not exist, and fails. For a semester, make a branch at the
release tag of the students' copy and link to it (``git -C build/student branch course-2027 v0.1.0``,
then push it); to hand out a fix, rebuild the copy and move that branch forward.

    python hub/nbgitpuller_link.py https://hub.example.edu \\
        https://github.com/mixture-notebooks/mixture-notebooks-student course-2027
"""

from __future__ import annotations

import argparse
import re
from urllib.parse import quote, urlencode, urlsplit

DEFAULT_NOTEBOOK = "notebooks/00_start_here.ipynb"
# A release tag as the project cuts them (docs/releasing.md): refused as a branch, see above.
_RELEASE_TAG = re.compile(r"v\d+\.\d+\.\d+")


def default_targetpath(repo: str) -> str:
    """The folder nbgitpuller clones into: the repository's last path part, without ``.git``.

    Examples
    --------
    >>> default_targetpath("https://github.com/mixture-notebooks/mixture-notebooks.git")
    'mixture-notebooks'
    """
    name = repo.rstrip("/").rsplit("/", 1)[-1]
    return name[:-4] if name.endswith(".git") else name


def nbgitpuller_link(hub_url: str, repo: str, branch: str, notebook: str = DEFAULT_NOTEBOOK,
                     targetpath: str | None = None, app: str = "lab") -> str:
    """The link that pulls ``branch`` of ``repo`` into a hub user's home and opens ``notebook``.

    Parameters
    ----------
    hub_url : str
        The hub's address, ``http(s)://host[:port][/prefix]`` (no query or fragment).
    repo : str
        What ``git clone`` reads on the hub: ``https://...``, ``git://...`` or ``file://...``.
    branch : str
        The branch to follow: make it at the release tag (a tag pulls once, then fails; a name
        like ``v0.1.0`` is refused for that reason).
    notebook : str
        The notebook to open, relative to the repository root.
    targetpath : str, optional
        The folder in the user's home; default: the repository's name without ``.git``. It is
        always written into the link, so the folder and the opened notebook agree.
    app : {"lab", "tree"}
        Open JupyterLab (``lab``) or the classic notebook file browser (``tree``).

    Returns
    -------
    str
        ``<hub_url>/hub/user-redirect/git-pull?repo=...&branch=...&targetpath=...&urlpath=...``

    Examples
    --------
    >>> nbgitpuller_link("https://hub.example.edu",
    ...                  "https://github.com/mixture-notebooks/mixture-notebooks-student", "course-2027")
    'https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fmixture-notebooks%2Fmixture-notebooks-student&branch=course-2027&targetpath=mixture-notebooks-student&urlpath=lab%2Ftree%2Fmixture-notebooks-student%2Fnotebooks%2F00_start_here.ipynb'
    """
    for name, value in (("hub_url", hub_url), ("repo", repo), ("branch", branch),
                        ("notebook", notebook)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
        if not value.strip():
            raise ValueError(f"{name} must not be empty")
    parts = urlsplit(hub_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"hub_url must be an http(s) address like https://hub.example.edu, "
                         f"got {hub_url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"hub_url must have no query or fragment, got {hub_url!r}")
    if urlsplit(repo).scheme not in ("https", "http", "git", "ssh", "file"):
        raise ValueError(f"repo must be a URL git can clone (https://, git://, file://...), "
                         f"got {repo!r}")
    if _RELEASE_TAG.fullmatch(branch):
        raise ValueError(f"branch {branch!r} looks like a release tag: nbgitpuller pulls a tag "
                         "once and fails on every later click; make a branch at the tag "
                         f"(git branch course-2027 {branch}) and pass its name")
    if app not in ("lab", "tree"):
        raise ValueError(f"app must be 'lab' or 'tree', got {app!r}")
    if targetpath is None:
        targetpath = default_targetpath(repo)
    if not targetpath or targetpath.startswith("/") or ".." in targetpath.split("/"):
        raise ValueError(f"targetpath must be a relative folder inside the home, got {targetpath!r}")
    notebook = notebook.lstrip("/")
    query = urlencode({"repo": repo, "branch": branch, "targetpath": targetpath,
                       "urlpath": f"{app}/tree/{targetpath}/{notebook}"}, quote_via=quote)
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("hub_url", help="the hub's address, e.g. https://hub.example.edu")
    parser.add_argument("repo", help="the repository's clone URL")
    parser.add_argument("branch", help="the branch made at the release tag, e.g. course-2027")
    parser.add_argument("--notebook", default=DEFAULT_NOTEBOOK)
    parser.add_argument("--targetpath", default=None)
    parser.add_argument("--app", default="lab", choices=["lab", "tree"])
    args = parser.parse_args(argv)
    print(nbgitpuller_link(args.hub_url, args.repo, args.branch, args.notebook, args.targetpath,
                           args.app))


if __name__ == "__main__":
    main()
