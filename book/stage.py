"""Stage the course website's sources in build/book-src/ for Sphinx (``make book`` runs this).

What it writes, from the repository as it is:

- ``index.md``: the website's landing page, book/index.md, with each notebook's time as its first
  cell states it (the README is for the repository's visitors: its contributor parts stay there);
- ``notebooks/NN_*.ipynb``: every notebook in notebooks/ (discovered, so new ones appear), with
  their saved outputs (Sphinx never executes them), a "Launch on Binder" and a download link under
  the title, cells tagged ``check`` (the prose checks, README "For contributors") tagged
  ``remove-cell`` so myst-nb leaves them out, and each widget output replaced by a static picture with a caption (a static page
  has no kernel: a widget view would show "Loading widget..." or an error);
- ``coursework.md``: coursework/README.md; ``api.md``: the mixlib API reference (autosummary);
- ``_extra/``: files copied to the site as they are: the original notebooks (the download links);
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

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# What each notebook's widget draws, for the alt text of its picture (the controls are read from the
# saved widget state). A notebook missing here gets "its figure".
WIDGET_SHOWS = {
    "00": "a sentence naming the number of components the slider sets",
    "01": "a histogram of N draws from the mixture against the true density and its two weighted components",
    "02": "the data's histogram with the mixture density at the sliders' parameters and its components, and that log-likelihood",
    "03": "the optimiser's path over the log-likelihood of the two means, and the log-likelihood at each iteration",
    "04": "the data's histogram with the current fit, each point's responsibility as a coloured tick, and the log-likelihood by EM iteration",
    "05": "the chosen Old Faithful variable's histogram with the K-component fit, and AIC, BIC and held-out scores against K",
    "06": "the chosen pitfall's data with the current fit, and the log-likelihood by EM iteration",
    "07": "the standardised Old Faithful points coloured by responsibility with each component's ellipses, and the log-likelihood by EM iteration",
    "08": "the MAP and maximum-likelihood mixtures over the waiting times, and the smallest sd as the prior's scale changes",
}
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


TIME = re.compile(r"\*\*(?:Working time|Time):\*\*\s*(?P<time>[^.\n]+)")
PLACEHOLDER = re.compile(r"\{(?P<key>time|binder):(?P<nb>\d\d)\}|\{(?P<name>repository|repository_url)\}")


def notebook_time(nb_path: Path) -> str:
    """What the notebook's first cell says it takes ("about 40 minutes")."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    match = TIME.search("".join(nb["cells"][0]["source"]))
    if not match:
        sys.exit(f"book/stage.py: {nb_path.name}: no '**Working time:** ...' (or '**Time:**') in "
                 "the first cell, for the landing page")
    return match["time"].strip()


def landing_page(repo: Repository, notebooks: list[Path]) -> str:
    """book/index.md, the website's own landing page, with each notebook's stated time filled in.

    Its ``{time:NN}`` and ``{binder:NN}`` name notebook NN; every notebook must be linked, so a new
    one cannot be left off the list.
    """
    source = REPO / "book" / "index.md"
    body = re.sub(r"<!--.*?-->\n*", "", source.read_text(encoding="utf-8"), flags=re.S)
    by_number = {nb.name[:2]: nb for nb in notebooks}

    def fill(match):
        if match["name"]:
            return {"repository": f"{repo.owner}/{repo.name}",
                    "repository_url": f"https://github.com/{repo.owner}/{repo.name}"}[match["name"]]
        nb = by_number.get(match["nb"])
        if nb is None:
            sys.exit(f"book/stage.py: book/index.md names notebook {match['nb']}, which does not exist")
        if match["key"] == "time":
            return notebook_time(nb)
        return repo.binder(f"notebooks/{nb.name}")

    body = PLACEHOLDER.sub(fill, body)
    missing = [nb.name for nb in notebooks if f"](notebooks/{nb.name})" not in body]
    if missing:
        sys.exit(f"book/stage.py: book/index.md does not list {missing}")
    toctree = ["", "```{toctree}", ":hidden:", ":caption: The notebooks", ""]
    toctree += [f"notebooks/{nb.stem}" for nb in notebooks]
    toctree += ["```", "", "```{toctree}", ":hidden:", ":caption: For instructors", "",
                "coursework", "api", "```", ""]
    return body + "\n" + "\n".join(toctree)


def coursework_page(repo: Repository) -> str:
    text = (REPO / "coursework" / "README.md").read_text(encoding="utf-8")
    return rewrite_links(text, "coursework", repo, keep=lambda p: False)


def _api_modules() -> list[tuple[str, object, list[str]]]:
    """(section title, module, public names) for each module the API page documents."""
    sys.path.insert(0, str(REPO))
    import mixlib
    import mixlib.plotting
    import mixlib.widgets

    def public(module) -> list[str]:
        names = getattr(module, "__all__", None)
        if names is None:  # a module without __all__: the functions it defines
            names = [n for n, v in vars(module).items() if not n.startswith("_")
                     and callable(v) and getattr(v, "__module__", "") == module.__name__]
        return [n for n in names if not isinstance(getattr(module, n), type(module))]

    return [("Numerics: `mixlib`", mixlib, public(mixlib)),
            ("Data sets: `mixlib.datasets`", mixlib.datasets, public(mixlib.datasets)),
            ("Plots: `mixlib.plotting`", mixlib.plotting, public(mixlib.plotting)),
            ("Widgets: `mixlib.widgets`", mixlib.widgets, public(mixlib.widgets))]


def documented_names() -> set[str]:
    """Every dotted name with a page in the API reference (``mixlib.fit_em``, ...)."""
    return {f"{module.__name__}.{name}" for _, module, names in _api_modules() for name in names}


def api_page() -> str:
    def section(title: str, module, names) -> str:
        rows = "\n".join(f"   {module.__name__}.{name}" for name in names)
        doc = (module.__doc__ or "").strip().split("\n\n")[0]
        return (f"## {title}\n\n{doc}\n\n```{{eval-rst}}\n.. autosummary::\n   :toctree: generated\n"
                f"   :nosignatures:\n\n{rows}\n```\n")

    parts = ["# API reference: `mixlib`",
             "Generated from the docstrings of the installed `mixlib` package. Import the numerics "
             "with `import mixlib`; plots and widgets live in `mixlib.plotting` and "
             "`mixlib.widgets`.",
             *(section(title, module, names) for title, module, names in _api_modules())]
    return "\n\n".join(parts)


# `mixlib.fit_em` or `mixlib.fit_em(x, k=2)` in prose (not already a link's text).
API_NAME = re.compile(r"(?<!\[)`(?P<text>(?P<name>mixlib(?:\.[A-Za-z_]\w*)+)(?:\([^`<>]*\))?)`")


def link_api_names(markdown: str, names: set[str]) -> str:
    """Code spans naming a documented mixlib object become links to its API page (a ``py:obj``
    role with the span's own text); fenced code blocks are left alone."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            line = API_NAME.sub(lambda m: (f"{{py:obj}}`{m['text']} <{m['name']}>`"
                                           if m["name"] in names else m[0]), line)
        out.append(line)
    return "\n".join(out)


# --- notebooks ------------------------------------------------------------------------------------

def widget_controls(nb: dict, model_id: str) -> list[str]:
    """The labels of the controls (sliders, menus, buttons) inside the view ``model_id``, in order."""
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    labels, seen = [], set()

    def walk(mid):
        if mid in seen or mid not in state:
            return
        seen.add(mid)
        model_state = state[mid].get("state", {})
        if model_state.get("description"):
            labels.append(model_state["description"])
        for value in model_state.values():
            for ref in value if isinstance(value, list) else [value]:
                if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
                    walk(ref[len("IPY_MODEL_"):])

    walk(model_id)
    return labels


def plain_text(markdown: str) -> str:
    """Markdown and TeX made readable as alt text: no $, backslash commands, emphasis or links."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\\+(?:mathrm|text|operatorname|mathcal|mathbf|boldsymbol)\{([^}]*)\}", r"\1", text)
    text = re.sub(r"\\+([A-Za-z]+)", r"\1", text)
    text = re.sub(r"[$`*_{}]", "", text)
    return " ".join(text.split())


# The figure's own words in the cell's code: titles, axis labels and legend labels, as literal
# strings (set_title("..."), suptitle, title=, set_xlabel, xlabel=, label=, ...).
FIGURE_TEXT = re.compile(
    r"""(?P<kind>set_title|suptitle|\btitle\s*=|set_xlabel|\bxlabel\s*=|set_ylabel|\bylabel\s*=|"""
    r"""\blabel\s*=)\(?\s*(?P<prefix>[rf]{0,2})(?P<q>["'])(?P<text>.*?)(?<!\\)(?P=q)""")


def figure_alt(cell: dict, before: list[dict]) -> str:
    """Alt text for the figure a code cell drew, from the figure's own words in the code: its
    titles, what it plots against what (axis labels) and its legend (an f-string's {fields} shown
    as "..."); with none, the last sentence of the nearest markdown cell above (its caption)."""
    found = {"title": [], "x": [], "y": [], "label": []}
    for match in FIGURE_TEXT.finditer("".join(cell["source"])):
        text = match["text"]
        if "f" in match["prefix"]:
            text = re.sub(r"\{[^{}]*\}", "...", text)
        text = plain_text(text)
        if not re.sub(r"[\W_]|\.\.\.", "", text):
            continue  # nothing but placeholders and punctuation
        kind = match["kind"]
        key = ("title" if "title" in kind else "x" if "xlabel" in kind
               else "y" if "ylabel" in kind else "label")
        if text not in found[key]:
            found[key].append(text)
    parts = []
    if found["title"]:
        parts.append("; ".join(found["title"]))
    if found["x"] and found["y"]:
        parts.append(f"{found['y'][0]} against {found['x'][0]}")
    if found["label"]:
        parts.append("showing " + ", ".join(found["label"]))
    caption = ""
    for previous in reversed(before):
        if previous["cell_type"] == "markdown":
            sentences = re.split(r"(?<=[.:!?])\s+", plain_text("".join(previous["source"])))
            caption = sentences[-1].rstrip(":") if sentences else ""
            break
    words = len(re.findall(r"[A-Za-z]{2,}", " ".join(parts)))
    if caption and words < 6:  # the code says little (a title made of {fields}): add the caption
        parts.append(caption)
    return ("Figure: " + ". ".join(p.rstrip(". ") for p in parts) if parts
            else "Figure drawn by the code cell above")


def hide_check_cells(nb: dict) -> int:
    """Cells tagged ``check`` (prose guards for the course's own tests) are not for readers: tag them
    ``remove-cell`` so myst-nb leaves them out of the page entirely. Returns how many."""
    n = 0
    for cell in nb["cells"]:
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "check" in tags:
            n += 1
            if "remove-cell" not in tags:
                tags.append("remove-cell")
        elif not tags:
            del cell["metadata"]["tags"]
    return n


def widget_state_figure(nb: dict, model_id: str) -> tuple[bytes | None, int | None]:
    """The last PNG an Output or Image widget inside the view ``model_id`` holds in the saved state."""
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    seen, stack, found, width = set(), [model_id], None, None
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
                # its display width (mixlib.plotting's sharp figures have twice the pixels)
                width = output.get("metadata", {}).get("image/png", {}).get("width")
        if model.get("model_name") == "ImageModel":  # an Explorer's figure (mixlib.widgets)
            for buffer in model.get("buffers", []):
                if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
                    found, width = base64.b64decode(buffer["data"]), None
        for value in model.get("state", {}).values():
            for ref in value if isinstance(value, list) else [value]:
                if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
                    stack.append(ref[len("IPY_MODEL_"):])
    return found, width


def widget_cell(image: str | None, alt: str, binder: str, cell_id: str,
                width: int | None = None) -> dict:
    caption = ("**A live widget.** This page has no Python kernel, so its controls do not move "
               f"here{': the picture shows it as saved' if image else ''}. "
               f"[Launch this notebook on Binder]({binder}) (or download it and run it in "
               "JupyterLab) to use it.")
    if image:
        size = f":width: {int(width)}px\n" if width else ""
        text = (f"```{{figure}} {image}\n:alt: {alt}\n{size}:figclass: widget-static\n\n{caption}\n```\n")
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
    api_names = documented_names()
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = link_api_names(rewrite_links(
                "".join(cell["source"]), "notebooks", repo,
                keep=lambda p: p.startswith("notebooks/") and p.split("/", 1)[1] in site_notebooks),
                api_names)

    hide_check_cells(nb)
    cells, n_widgets = [], 0
    screenshot = REPO / "docs" / "screenshots" / f"{src.stem}.png"
    for cell in nb["cells"]:
        if any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            alt = figure_alt(cell, cells)
            cell["metadata"].setdefault("mystnb", {}).setdefault("image", {}).setdefault("alt", alt)
        cells.append(cell)
        views = [o for o in cell.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
        if not views:
            continue
        cell["outputs"] = [o for o in cell["outputs"] if o not in views]
        for view in views:
            n_widgets += 1
            name = f"_widgets/{src.stem}_{n_widgets}.png"
            model_id = view["data"][WIDGET_VIEW]["model_id"]
            controls = ", ".join(reversed(widget_controls(nb, model_id)))  # as laid out
            shows = WIDGET_SHOWS.get(src.stem[:2], "its figure")
            if n_widgets == 1 and screenshot.exists():
                png, width = screenshot.read_bytes(), None  # `make screenshots`: the first widget
                alt = (f"Screenshot of notebook {src.stem[:2]}'s widget in JupyterLab: "
                       f"{shows}, under the controls {controls}")
            else:
                png, width = widget_state_figure(nb, model_id)
                alt = f"The widget's figure as saved: {shows} (controls: {controls})"
            if png:
                write_if_changed(STAGE / "notebooks" / name, png)
            else:
                print(f"book/stage.py: {src.name}: widget {n_widgets} has no saved figure (and "
                      "no screenshot): its page shows the caption alone", file=sys.stderr)
            cells.append(widget_cell(name if png else None, alt, binder, f"widget-static-{n_widgets}",
                                     width))
    nb["cells"] = cells
    # Nothing for a widget manager to load: no widget state, no ipywidgets JavaScript.
    nb.get("metadata", {}).pop("widgets", None)
    write_if_changed(STAGE / "notebooks" / src.name, json.dumps(nb, indent=1, ensure_ascii=False))
    copy_if_changed(src, STAGE / "_extra" / "notebooks" / src.name)


# --- MathJax --------------------------------------------------------------------------------------

def npm_tarball(package: str, version: str, sha512: str) -> Path:
    """``package@version`` from the npm registry (``npm pack``), cached in build/cache/ and checked
    against npm's sha512 "integrity". tests/test_book.py fetches axe-core the same way."""
    CACHE.mkdir(parents=True, exist_ok=True)
    tarball = CACHE / f"{package}-{version}.tgz"
    if not tarball.exists():
        subprocess.run(["npm", "pack", f"{package}@{version}", "--silent",
                        "--pack-destination", str(CACHE)], check=True, stdout=subprocess.DEVNULL)
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != sha512:
        tarball.unlink()
        sys.exit(f"book/stage.py: {tarball.name} does not match its npm sha512: deleted, rerun")
    return tarball


def mathjax() -> None:
    dest = STAGE / "_static" / "mathjax"
    stamp = dest / f".mathjax-{MATHJAX_VERSION}"
    if stamp.exists():
        return
    tarball = npm_tarball("mathjax", MATHJAX_VERSION, MATHJAX_SHA512)
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
    write_if_changed(STAGE / "index.md", landing_page(repo, notebooks))
    write_if_changed(STAGE / "coursework.md", coursework_page(repo))
    write_if_changed(STAGE / "api.md", api_page())
    mathjax()
    print(f"book/stage.py: {len(notebooks)} notebooks staged in {STAGE.relative_to(REPO)}")


if __name__ == "__main__":
    main()
