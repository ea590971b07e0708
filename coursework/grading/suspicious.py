"""A plain report of submissions whose code does what no honest answer needs, for the instructor to review.

    python -m grading.suspicious 01_sampling_and_likelihood        (from coursework/; make coursework-suspicious)

Reads every submitted notebook (``submitted/<student>/<assignment>/*.ipynb``) and, in each cell the
student wrote (the unlocked cells and any cell they added), looks for: the notebook's globals
(``globals()``, ``vars()``, ``locals()``), IPython's input history (``_ih``, ``In``, ``_i``...),
IPython's machinery (``get_ipython``), frames and introspection (``sys._getframe``, ``inspect``,
``gc``, ``linecache``, ``__code__``...), importlib / exec / eval / compile, mixlib's private modules
(``mixlib._em_pass``...) or its source files (``__file__``), patching a module (``np.allclose = ...``,
``setattr(np, ...)``), the grading guard's names, processes and the file system (``subprocess``,
``os.system``, ``open``), and in assignment 4 ``scipy.stats.multivariate_normal``. The grading guard
docks the cheats it catches at autograde; this report also lists those it cannot (code that disarms the
guard itself), so read every line. Prints one line per finding and a summary; exit status 0.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

GUARD_NAMES = {"_grading", "_run", "_agrees", "_earlier", "_make_grading", "mixlib_switched_off"}
HISTORY = re.compile(r"^(_ih|_oh|In|Out|_i|_ii|_iii|_i\d+|_dh|_sh)$")
MODULES = {"np", "numpy", "scipy", "mixlib", "math", "builtins", "stats", "optimize", "mv", "sys", "linalg", "special"}
CALLS = {
    "globals": "reads the notebook's globals", "locals": "reads the caller's variables",
    "vars": "reads a namespace (vars)", "get_ipython": "uses IPython's machinery",
    "exec": "runs code from a string (exec)", "eval": "runs code from a string (eval)",
    "compile": "compiles code from a string", "__import__": "imports through __import__",
    "setattr": "sets attributes by name (setattr)", "delattr": "deletes attributes by name (delattr)",
    "open": "opens files", "breakpoint": "starts the debugger",
}
MODULE_USES = {
    "importlib": "importlib", "inspect": "introspection (inspect)", "gc": "the garbage collector's object lists (gc)",
    "ctypes": "ctypes", "linecache": "source lines (linecache)", "subprocess": "runs processes (subprocess)",
    "builtins": "Python's builtins", "IPython": "IPython's machinery", "ipykernel": "the kernel's machinery",
    "traceback": "stack inspection (traceback)", "types": "builds functions or code objects (types)",
    "marshal": "code objects (marshal)", "pickle": "unpickling (pickle)", "threading": "threads",
    "signal": "signals", "atexit": "exit hooks", "socket": "the network", "shutil": "the file system (shutil)",
    "pathlib": "the file system (pathlib)", "os": "the operating system (os)",
}
DUNDERS = {"__code__", "__globals__", "__closure__", "__builtins__", "__dict__", "__file__", "__loader__",
           "__spec__", "__subclasses__", "__class__", "__bases__", "__mro__", "__defaults__", "__kwdefaults__",
           "f_back", "f_globals", "f_locals", "tb_frame", "gi_frame", "cell_contents"}
SYS_ATTRS = {"_getframe": "reads stack frames (sys._getframe)", "modules": "touches sys.modules",
             "settrace": "sets a trace function", "setprofile": "sets a profile function",
             "addaudithook": "adds an audit hook", "meta_path": "changes the import system",
             "path_hooks": "changes the import system", "exit": "exits the kernel"}


def dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def findings(source: str, assignment: str) -> list[tuple[int, str]]:
    """(line, reason) for each suspicious construct in one cell's code."""
    found = []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    if tree is not None:
        with_parents(tree)
    if tree is None:  # IPython magics or broken code: look at the text
        for number, line in enumerate(source.splitlines(), 1):
            for word in sorted({*CALLS, *MODULE_USES, *GUARD_NAMES, "_ih", "sys._getframe", "mixlib._"}):
                if word in line:
                    found.append((number, f"mentions {word} (cell does not parse)"))
        return found
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name):
            if HISTORY.match(node.id):
                found.append((line, f"reads IPython's input/output history ({node.id})"))
            elif node.id in GUARD_NAMES:
                found.append((line, f"touches the grading guard ({node.id})"))
            elif node.id in CALLS and isinstance(getattr(node, "parent", None), ast.Call) and node.parent.func is node:
                found.append((line, CALLS[node.id]))
            elif node.id in ("__builtins__", "__loader__", "__spec__"):
                found.append((line, f"uses {node.id}"))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                if top in MODULE_USES:
                    found.append((line, f"imports {name}: {MODULE_USES[top]}"))
                if re.match(r"mixlib(\.\w+)*\._", name) or (isinstance(node, ast.ImportFrom) and name.startswith("mixlib")
                                                           and any(a.name.startswith("_") for a in node.names)):
                    found.append((line, f"imports a private mixlib module ({name})"))
                if assignment.startswith("04") and name.startswith("scipy.stats") and (
                        isinstance(node, ast.Import) or any(a.name == "multivariate_normal" for a in node.names)):
                    if isinstance(node, ast.ImportFrom):
                        found.append((line, "uses scipy.stats.multivariate_normal (assignment 4: numpy and scipy.linalg only)"))
        elif isinstance(node, ast.Attribute):
            name = dotted(node)
            if node.attr in DUNDERS:
                found.append((line, f"uses {node.attr} ({name or '...'})"))
            if re.match(r"^(mixlib|mv)(\.\w+)*\._\w+", name) and not name.endswith("__"):
                found.append((line, f"uses a private part of mixlib ({name})"))
            if name.startswith("sys.") and node.attr in SYS_ATTRS:
                found.append((line, SYS_ATTRS[node.attr]))
            if assignment.startswith("04") and node.attr == "multivariate_normal" and "random" not in name:
                found.append((line, f"uses scipy.stats.multivariate_normal ({name}; assignment 4: numpy and scipy.linalg only)"))
            if name.startswith("os.") and node.attr in ("system", "popen", "execv", "execve", "fork", "kill", "remove",
                                                        "chmod", "environ"):
                found.append((line, f"uses {name}"))
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Attribute):
                        root = dotted(sub).split(".")[0]
                        if root in MODULES:
                            found.append((line, f"patches a module ({dotted(sub)} = ...)"))
                    if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Call) and dotted(sub.value.func) in (
                            "globals", "vars", "locals"):
                        found.append((line, "writes into a namespace (globals()[...] = ...)"))
                names = [t for t in ([target] + list(getattr(target, "elts", []))) if isinstance(t, ast.Name)]
                for name in names if isinstance(node, ast.Assign) else []:
                    if name.id in MODULES | GUARD_NAMES and not (
                            isinstance(node.value, (ast.Name, ast.Attribute)) and dotted(node.value).split(".")[0] in MODULES):
                        found.append((line, f"rebinds {name.id}, which the tests use"))
        if isinstance(node, ast.Call) and dotted(node.func) in ("setattr", "delattr") and node.args:
            if dotted(node.args[0]).split(".")[0] in MODULES:
                found.append((line, f"patches a module ({dotted(node.func)}({dotted(node.args[0])}, ...))"))
    return sorted(set(found))


def with_parents(tree):
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node
    return tree


def student_cells(nb):
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not (meta.get("locked") and not meta.get("solution")):
            yield index, meta.get("grade_id", f"cell {index}"), cell.source


def scan(nb, assignment: str) -> list[tuple[str, int, str, str]]:
    """(cell id, line, reason, code line) for one notebook."""
    rows = []
    for _, cell_id, source in student_cells(nb):
        found = findings(source, assignment)
        lines = source.splitlines()
        for line, reason in found:
            code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            rows.append((cell_id, line, reason, code[:100]))
    return rows


def report(root: Path, assignment: str, folder: str = "submitted") -> tuple[str, dict[str, list]]:
    notebooks = sorted((root / folder).glob(f"*/{assignment}/*.ipynb"))
    flagged, out = {}, []
    for path in notebooks:
        student = path.parts[-3]
        try:
            rows = scan(nbformat.read(path, as_version=4), assignment)
        except Exception as error:  # an unreadable notebook is itself worth a look
            rows = [("-", 0, f"notebook could not be read ({type(error).__name__})", "")]
        if rows:
            flagged[student] = rows
            for cell_id, line, reason, code in rows:
                out.append(f"{student}\t{path.name}\t{cell_id}\tline {line}\t{reason}\t{code}")
    head = [f"Suspicious submissions: {assignment} ({len(flagged)} of {len(notebooks)} submissions flagged)",
            "student\tnotebook\tcell\tline\twhat\tcode"]
    return "\n".join(head + out) + "\n", flagged


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("assignment")
    parser.add_argument("--course", default=str(Path(__file__).resolve().parents[1]), help="the course root")
    parser.add_argument("--folder", default="submitted", help="submitted (default) or autograded")
    args = parser.parse_args(argv)
    text, _ = report(Path(args.course), args.assignment, args.folder)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
