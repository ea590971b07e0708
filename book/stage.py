"""Stage the course website's sources in build/book-src/ for Sphinx (``make book`` runs this).

What it writes, from the repository as it is:

- ``index.md``: the README's title, introduction and "For students" part (the Binder badge, an
  image from mybinder.org, becomes a text link: the site requests nothing from another host);
- ``notebooks/NN_*.ipynb``: every notebook in notebooks/ (discovered, so new ones appear), with
  their saved outputs (Sphinx never executes them), a "Launch on Binder" and a download link under
  the title, cells tagged ``check`` (the prose checks, README "For contributors") tagged
  ``remove-cell`` so myst-nb leaves them out, and each widget output replaced by a static picture with a caption (a static page
  has no kernel: a widget view would show "Loading widget..." or an error);
- ``coursework.md``: coursework/README.md; ``api.md``: the mixlib API reference (autosummary);
- ``_extra/``: files copied to the site as they are: the original notebooks (the download links),
  docs/screenshots/ (the landing page's pictures);
- ``_static/mathjax/``: MathJax 3 from the npm registry (``npm pack``, checked against its
  sha512), so maths is typeset with no CDN.

Files are rewritten only when their content changes, so Sphinx rebuilds only what changed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STAGE = REPO / "build" / "book-src"
CACHE = REPO / "build" / "cache"

MATHJAX_VERSION = "3.2.2"
# npm's "integrity" of mathjax-3.2.2.tgz (npm view mathjax@3.2.2 dist.integrity).
MATHJAX_SHA512 = ("Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+g"
                  "eW0OhGw==")
# What the site loads of MathJax (tex-chtml.js and what it may load later: TeX extensions, the
# CHTML fonts, the menu and accessibility modules). The other combined bundles are left out.
MATHJAX_KEEP = ("es5/tex-chtml.js", "es5/input/", "es5/output/chtml", "es5/a11y/", "es5/ui/",
                "es5/sre/", "es5/adaptors/", "LICENSE")

# A prose check's cell (README, "For contributors") and myst-nb's tag that leaves a cell off the page.
CHECK_TAG, REMOVE_TAG = "check", "remove-cell"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
BINDER_BADGE = re.compile(
    r"\[!\[[^\]]*\]\([^)]*\)\]\((?P<url>https://mybinder\.org/v2/gh/(?P<owner>[\w.-]+)/"
    r"(?P<repo>[\w.-]+)/[^)?]+)\?[^)]*\)")


def write_if_changed(path: Path, data: str | bytes) -> None:
    data = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def copy_if_changed(src: Path, dest: Path) -> None:
    write_if_changed(dest, src.read_bytes())


class Repository:
    """Where the course is published: the README badge's owner/repo and the release tag."""

    def __init__(self, readme: str):
        match = BINDER_BADGE.search(readme)
        if not match:
            sys.exit("book/stage.py: no Binder badge '[![...](...)](https://mybinder.org/v2/gh/"
                     "OWNER/REPO/TAG?urlpath=...)' found in README.md")
        self.owner, self.name = match["owner"], match["repo"]
        version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
        self.tag = "v" + version["project"]["version"]

    def binder(self, path: str) -> str:
        """The README badge's URL scheme: JupyterLab at ``path`` on the release tag."""
        return (f"https://mybinder.org/v2/gh/{self.owner}/{self.name}/{self.tag}"
                f"?urlpath=lab/tree/{path}")

    def blob(self, path: str) -> str:
        return f"https://github.com/{self.owner}/{self.name}/blob/{self.tag}/{path}"


# --- markdown pages -------------------------------------------------------------------------------

LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")


def rewrite_links(text: str, page_dir: str, repo: Repository, keep) -> str:
    """Relative links to files that are not pages of the site go to the repository on GitHub."""
    def fix(match):
        target = match["target"]
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^#", target):
            return match[0]
        path = f"{page_dir}/{target}" if page_dir else target
        path = str(Path(path).as_posix())
        if keep(path):
            return match[0]
        return f"[{match['text']}]({repo.blob(path)})"
    return LINK.sub(fix, text)


def landing_page(readme: str, repo: Repository, notebooks: list[Path]) -> str:
    title, _, rest = readme.partition("\n")
    intro, _, _ = rest.partition("\n## ")
    students = readme.split("\n## For students\n", 1)[1].split("\n## ", 1)[0]
    paragraphs = [p for p in intro.strip().split("\n\n")
                  if not BINDER_BADGE.search(p) and not p.startswith("This README has")]
    launch = (f"**Read the course here**, with every figure and output as saved, or "
              f"[launch it on Binder]({repo.binder('notebooks/' + notebooks[0].name)}) to run it "
              f"(Binder takes a few minutes to start). The course's code and tests: "
              f"[{repo.owner}/{repo.name}](https://github.com/{repo.owner}/{repo.name}).")
    body = "\n\n".join([title, *paragraphs, launch, "## For students\n" + students.strip()])
    pages = {f"notebooks/{nb.name}" for nb in notebooks}
    body = rewrite_links(body, "", repo, keep=lambda p: p in pages)
    toctree = ["", "```{toctree}", ":hidden:", ":caption: The notebooks", ""]
    toctree += [f"notebooks/{nb.stem}" for nb in notebooks]
    toctree += ["```", "", "```{toctree}", ":hidden:", ":caption: For instructors", "",
                "coursework", "api", "```", ""]
    return body + "\n" + "\n".join(toctree)


def coursework_page(repo: Repository) -> str:
    text = (REPO / "coursework" / "README.md").read_text(encoding="utf-8")
    return rewrite_links(text, "coursework", repo, keep=lambda p: False)


def api_page() -> str:
    sys.path.insert(0, str(REPO))
    import mixlib
    import mixlib.plotting
    import mixlib.widgets

    def section(title: str, module, names) -> str:
        rows = "\n".join(f"   {module.__name__}.{name}" for name in names)
        doc = (module.__doc__ or "").strip().split("\n\n")[0]
        return (f"## {title}\n\n{doc}\n\n```{{eval-rst}}\n.. autosummary::\n   :toctree: generated\n"
                f"   :nosignatures:\n\n{rows}\n```\n")

    def public(module) -> list[str]:
        names = getattr(module, "__all__", None)
        if names is None:  # a module without __all__: the functions it defines
            names = [n for n, v in vars(module).items() if not n.startswith("_")
                     and callable(v) and getattr(v, "__module__", "") == module.__name__]
        return [n for n in names if not isinstance(getattr(module, n), type(module))]

    core = public(mixlib)
    parts = ["# API reference: `mixlib`",
             "Generated from the docstrings of the installed `mixlib` package. Import the numerics "
             "with `import mixlib`; plots and widgets live in `mixlib.plotting` and "
             "`mixlib.widgets`.",
             section("Numerics: `mixlib`", mixlib, core),
             section("Data sets: `mixlib.datasets`", mixlib.datasets, public(mixlib.datasets)),
             section("Plots: `mixlib.plotting`", mixlib.plotting, public(mixlib.plotting)),
             section("Widgets: `mixlib.widgets`", mixlib.widgets, public(mixlib.widgets))]
    return "\n\n".join(parts)


# --- notebooks ------------------------------------------------------------------------------------

def widget_state_figure(nb: dict, model_id: str) -> bytes | None:
    """The last PNG an Output or Image widget inside the view ``model_id`` holds in the saved state."""
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    seen, stack, found = set(), [model_id], None
    while stack:
        mid = stack.pop()
        if mid in seen or mid not in state:
            continue
        seen.add(mid)
        model = state[mid]
        for output in model.get("state", {}).get("outputs", []) or []:
            png = output.get("data", {}).get("image/png")
            if png:
                found = base64.b64decode("".join(png) if isinstance(png, list) else png)
        if model.get("model_name") == "ImageModel":  # an Explorer's figure (mixlib.widgets)
            for buffer in model.get("buffers", []):
                if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
                    found = base64.b64decode(buffer["data"])
        for value in model.get("state", {}).values():
            for ref in value if isinstance(value, list) else [value]:
                if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
                    stack.append(ref[len("IPY_MODEL_"):])
    return found


def widget_cell(image: str | None, alt: str, binder: str, cell_id: str) -> dict:
    caption = ("**A live widget.** This page has no Python kernel, so its controls do not move "
               f"here{': the picture shows it as saved' if image else ''}. "
               f"[Launch this notebook on Binder]({binder}) (or download it and run it in "
               "JupyterLab) to use it.")
    if image:
        text = (f"```{{figure}} {image}\n:alt: {alt}\n:figclass: widget-static\n\n{caption}\n```\n")
    else:
        text = f"```{{note}}\n{caption}\n```\n"
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def stage_notebook(src: Path, repo: Repository) -> None:
    nb = json.loads(src.read_text(encoding="utf-8"))
    binder = repo.binder(f"notebooks/{src.name}")
    links = (f'<p class="launch-links"><a class="launch-binder" href="{binder}">Launch on Binder'
             f'</a> (runs the notebook and its widgets) · <a class="download-ipynb" '
             f'href="{src.name}" download>Download {src.name}</a></p>')
    first = nb["cells"][0]
    source = "".join(first["source"])
    title, nl, rest = source.partition("\n")
    if not title.startswith("# "):
        sys.exit(f"book/stage.py: {src.name} does not start with a '# title' markdown line")
    first["source"] = f"{title}\n\n{links}\n{nl}{rest}"

    site_notebooks = {p.name for p in (REPO / "notebooks").glob("[0-9]*.ipynb")}
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = rewrite_links(
                "".join(cell["source"]), "notebooks", repo,
                keep=lambda p: p.startswith("notebooks/") and p.split("/", 1)[1] in site_notebooks)

    for cell in nb["cells"]:
        cell_tags = cell.get("metadata", {}).get("tags", [])
        if CHECK_TAG in cell_tags and REMOVE_TAG not in cell_tags:
            cell["metadata"]["tags"] = [*cell_tags, REMOVE_TAG]  # guards of the text: not for readers

    cells, n_widgets = [], 0
    screenshot = REPO / "docs" / "screenshots" / f"{src.stem}.png"
    for cell in nb["cells"]:
        cells.append(cell)
        views = [o for o in cell.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
        if not views:
            continue
        cell["outputs"] = [o for o in cell["outputs"] if o not in views]
        for view in views:
            n_widgets += 1
            name = f"_widgets/{src.stem}_{n_widgets}.png"
            if n_widgets == 1 and screenshot.exists():
                png = screenshot.read_bytes()  # `make screenshots` takes the notebook's first widget
                alt = f"Screenshot of the widget of notebook {src.stem} in JupyterLab"
            else:
                png = widget_state_figure(nb, view["data"][WIDGET_VIEW]["model_id"])
                alt = f"The figure of the widget of notebook {src.stem}, as saved"
            if png:
                write_if_changed(STAGE / "notebooks" / name, png)
            else:
                print(f"book/stage.py: {src.name}: widget {n_widgets} has no saved figure (and "
                      "no screenshot): its page shows the caption alone", file=sys.stderr)
            cells.append(widget_cell(name if png else None, alt, binder, f"widget-static-{n_widgets}"))
    nb["cells"] = cells
    # Nothing for a widget manager to load: no widget state, no ipywidgets JavaScript.
    nb.get("metadata", {}).pop("widgets", None)
    write_if_changed(STAGE / "notebooks" / src.name, json.dumps(nb, indent=1, ensure_ascii=False))
    copy_if_changed(src, STAGE / "_extra" / "notebooks" / src.name)


# --- MathJax --------------------------------------------------------------------------------------

def mathjax() -> None:
    dest = STAGE / "_static" / "mathjax"
    stamp = dest / f".mathjax-{MATHJAX_VERSION}"
    if stamp.exists():
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / f"mathjax-{MATHJAX_VERSION}.tgz"
    if not tarball.exists():
        subprocess.run(["npm", "pack", f"mathjax@{MATHJAX_VERSION}", "--silent",
                        "--pack-destination", str(CACHE)], check=True, stdout=subprocess.DEVNULL)
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != MATHJAX_SHA512:
        tarball.unlink()
        sys.exit(f"book/stage.py: {tarball.name} does not match its npm sha512: deleted, rerun")
    shutil.rmtree(dest, ignore_errors=True)
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            rel = member.name.removeprefix("package/")
            if member.isfile() and rel.startswith(MATHJAX_KEEP):
                out = dest / rel.removeprefix("es5/")
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(tar.extractfile(member).read())
    stamp.touch()


def main() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    repo = Repository(readme)
    notebooks = sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))
    if not notebooks:
        sys.exit("book/stage.py: no notebooks in notebooks/")
    staged = {p.name for p in notebooks}
    for old in (STAGE / "notebooks").glob("*.ipynb"):
        if old.name not in staged:  # a notebook deleted or renamed since the last build
            old.unlink()
    for nb in notebooks:
        stage_notebook(nb, repo)
    write_if_changed(STAGE / "index.md", landing_page(readme, repo, notebooks))
    write_if_changed(STAGE / "coursework.md", coursework_page(repo))
    write_if_changed(STAGE / "api.md", api_page())
    for png in sorted((REPO / "docs" / "screenshots").glob("*.png")):
        copy_if_changed(png, STAGE / "_extra" / "docs" / "screenshots" / png.name)
    mathjax()
    print(f"book/stage.py: {len(notebooks)} notebooks staged in {STAGE.relative_to(REPO)}")


if __name__ == "__main__":
    main()
