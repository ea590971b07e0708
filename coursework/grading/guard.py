# The grading guard: inlined by coursework/grading/inline_guard.py into the hidden region of each
# assignment's setup cell, so it runs once, before any answer cell, and only at autograde (the student
# copy has no hidden regions). It gives the hidden tests:
#   run(name, f, *args)   the student's function called with mixlib's numerics switched off (every
#                         function of every numeric mixlib module, private ones included, and in
#                         assignment 4 scipy.stats.multivariate_normal), on copies of the arguments,
#                         with the test's own variables taken out of the notebook's globals while it
#                         runs, warnings silenced, its result turned into plain numbers before the
#                         test looks at it, and an error it raises turned into a message that quotes
#                         nothing the student's code wrote;
#   begin()               first line of every hidden region: fails the test when the student's code
#                         has changed what the tests rely on (numpy, scipy, math, builtins, mixlib,
#                         IPython's cell machinery) or loaded mixlib's own source files;
#   agrees, earlier       "fix Question N first" when an earlier answer is wrong on the same data.
# Student code runs in the same process, so a determined cheat can still reach the guard itself:
# coursework/grading/suspicious.py reports what such code must use (see coursework/README.md).


def _make_grading(namespace, forbid_scipy_mvn=False):
    import builtins
    import contextlib
    import importlib
    import importlib.util
    import math
    import os
    import pkgutil
    import sys
    import types
    import warnings

    import numpy
    import numpy.linalg
    import numpy.random
    import scipy.linalg
    import scipy.optimize
    import scipy.special
    import scipy.stats
    import mixlib

    # ---- mixlib's numeric modules (private ones included): switched off while an answer runs
    kept_on = ("mixlib._checks", "mixlib.params", "mixlib.result", "mixlib.multivariate.params", "mixlib.datasets",
               "mixlib.plotting", "mixlib.widgets", "mixlib.stored_choices")
    numeric = []
    for package in (mixlib, importlib.import_module("mixlib.multivariate")):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            if info.name not in kept_on and not info.name.startswith(tuple(k + "." for k in kept_on)):
                numeric.append(importlib.import_module(info.name))
    numeric += [mixlib, importlib.import_module("mixlib.multivariate")]
    kept = [importlib.import_module(name) for name in kept_on if name not in ("mixlib.plotting", "mixlib.widgets")]

    off_message = "mixlib's numerics are switched off while your answer runs: compute it yourself"
    mvn_message = ("scipy.stats.multivariate_normal is switched off while your answer runs: the assignment asks for"
                   " numpy and scipy.linalg only")

    def raiser_code(freevars):
        # A code object that raises, with the same free variables as the function it replaces.
        body = "".join(f"    {name} = None\n" for name in freevars)
        uses = "".join(f"            {name}\n" for name in freevars)
        source = (f"def outer():\n{body}    def inner(*args, **kwargs):\n        if False:\n{uses or '            pass'}\n"
                  f"        raise RuntimeError({off_message!r})\n    return inner\n")
        scope = {}
        exec(compile(source, "<mixlib switched off>", "exec"), scope)
        return scope["outer"]().__code__

    raisers = {}
    switchable = []
    for module in numeric:
        for value in list(vars(module).values()):
            functions = []
            if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
                functions.append(value)
            elif isinstance(value, type) and value.__module__ == module.__name__:
                for member in vars(value).values():
                    member = getattr(member, "__func__", member)
                    if isinstance(member, types.FunctionType):
                        functions.append(member)
            for f in functions:
                freevars = f.__code__.co_freevars
                if freevars not in raisers:
                    raisers[freevars] = raiser_code(freevars)
                switchable.append((f, f.__code__, raisers[freevars]))

    mvn_members = []
    if forbid_scipy_mvn:
        from scipy.stats import _multivariate

        def mvn_off(*args, **kwargs):
            raise RuntimeError(mvn_message)

        for cls in (_multivariate.multivariate_normal_gen, _multivariate.multivariate_normal_frozen):
            for name, member in list(vars(cls).items()):
                if isinstance(member, types.FunctionType) and (name == "__call__" or not name.startswith("__")):
                    mvn_members.append((cls, name, member))

    @contextlib.contextmanager
    def switched_off():
        try:
            for f, _, off in switchable:
                f.__code__ = off
            for cls, name, _ in mvn_members:
                setattr(cls, name, mvn_off)
            yield
        finally:
            for f, code, _ in switchable:
                f.__code__ = code
            for cls, name, member in mvn_members:
                setattr(cls, name, member)

    # ---- what the tests rely on, as it was before any answer ran
    watched = {}  # label -> (live mapping getter, {key: object it must still hold})
    functions = {}  # label -> (function, its parts)
    missing = object()

    def parts(f):
        cells = []
        for cell in f.__closure__ or ():
            try:
                cells.append(cell.cell_contents)
            except ValueError:
                cells.append(missing)
        return (f.__code__, f.__defaults__, f.__kwdefaults__, f.__globals__, *cells)

    strict = set()  # labels whose mapping must not gain keys either (a new key shadows a class's method)

    def watch(label, getter, ignore=(), exact=False):
        if label not in watched:
            watched[label] = (getter, {k: v for k, v in getter().items() if k not in ignore})
            if exact:
                strict.add(label)

    def watch_function(label, f):
        if label not in functions:
            functions[label] = (f, parts(f))

    modules = [numpy, numpy.linalg, numpy.random, scipy.linalg, scipy.optimize, scipy.special, scipy.stats, math,
               builtins, contextlib, types, mixlib, *numeric, *kept]
    # IPython and ipykernel set these builtins afresh for every cell
    per_cell = {"_", "__", "___", "get_ipython", "exit", "quit", "display", "input", "__IPYTHON__", "__builtins__"}
    if forbid_scipy_mvn:
        modules.append(sys.modules["scipy.stats._multivariate"])

    def implementation(value):
        # numpy 2 wraps most functions (np.allclose, ...) in a dispatcher around a Python function
        inner = getattr(value, "_implementation", None) if type(value).__module__ == "numpy" else None
        return inner if isinstance(inner, types.FunctionType) else value

    more = []
    for module in modules:
        for value in list(vars(module).values()):
            value = implementation(value)
            if isinstance(value, types.FunctionType):
                owner = sys.modules.get(value.__module__ or "")
                if owner is not None and owner not in modules and owner not in more:
                    more.append(owner)
    for module in modules + more:
        watch(module.__name__, lambda m=module: vars(m), ignore=per_cell)
        for key, value in list(vars(module).items()):
            label = f"{module.__name__}.{key}"
            value = implementation(value)
            if isinstance(value, types.FunctionType):
                watch_function(label, value)
            elif isinstance(value, type) and str(getattr(value, "__module__", "")).split(".")[0] in ("numpy", "scipy", "mixlib"):
                if not value.__flags__ & (1 << 9) or value.__flags__ & (1 << 8):
                    continue  # a static or immutable type (numpy's C types): nothing to patch
                watch(label, lambda c=value: vars(c), exact=True)
                for name, member in list(vars(value).items()):
                    member = getattr(member, "__func__", member)
                    if isinstance(member, types.FunctionType):
                        watch_function(f"{label}.{name}", member)
            elif type(value).__module__.split(".")[0] in ("scipy", "mixlib") and hasattr(value, "__dict__"):
                watch(label, lambda o=value: vars(o), exact=True)  # e.g. scipy.stats.norm, an instance
                for cls in type(value).__mro__[:-1]:
                    if cls.__flags__ & (1 << 9) and not cls.__flags__ & (1 << 8):
                        watch(f"{cls.__module__}.{cls.__qualname__}", lambda c=cls: vars(c))
    watch("sys.modules", lambda: sys.modules, ignore=set(sys.modules) - {m.__name__ for m in modules})
    watch("sys.meta_path", lambda: {id(finder): finder for finder in sys.meta_path})
    watch("sys.trace", lambda: {"gettrace": sys.gettrace(), "getprofile": sys.getprofile()})
    watch("the notebook's modules", lambda: namespace,
          ignore={k for k, v in namespace.items() if not isinstance(v, types.ModuleType)})
    try:
        import IPython

        shell = IPython.get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        machinery = ("run_cell", "run_cell_async", "run_ast_nodes", "run_code", "transform_cell", "transform_ast",
                     "should_run_async", "showtraceback", "_run_cell", "ex", "ev")
        watch("IPython's shell", lambda: {n: vars(shell).get(n, missing) for n in machinery})
        watch("IPython's transformers", lambda: {
            f"{kind}{i}": t for kind in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")
            for i, t in enumerate(getattr(shell, kind, ()))})
        kernel = getattr(shell, "kernel", None)
        if kernel is not None:
            watch("the kernel", lambda: {n: vars(kernel).get(n, missing) for n in ("do_execute", "execute_request")})
            watch("the kernel's handlers", lambda: getattr(kernel, "shell_handlers", {}))
        for cls in type(shell).__mro__[:-1]:
            watch(f"IPython.{cls.__qualname__}", lambda c=cls: vars(c), ignore=set(vars(cls)) - set(machinery))

    # ---- mixlib's own files: loading them again (importlib, open, exec) escapes the switch-off
    sources = set()
    for module in numeric:
        path = getattr(module, "__file__", None)
        if path:
            sources.add(os.path.realpath(path))
            sources.add(os.path.realpath(importlib.util.cache_from_source(path)))
    source_names = {os.path.basename(p) for p in sources}
    numeric_names = {m.__name__ for m in numeric}
    loaded = []

    def from_linecache():
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_globals.get("__name__") == "linecache":
                return True
            frame = frame.f_back
        return False

    def audit(event, args):
        try:
            if event == "open" and isinstance(args[0], (str, bytes)):
                path = os.fsdecode(args[0])
                if os.path.basename(path) in source_names and os.path.realpath(path) in sources and not from_linecache():
                    loaded.append(os.path.basename(path))
            elif event == "compile" and isinstance(args[1], (str, bytes)):
                if os.path.realpath(os.fsdecode(args[1])) in sources:
                    loaded.append(os.path.basename(os.fsdecode(args[1])))
            elif event == "import" and args[0] in numeric_names:
                loaded.append(args[0])
        except Exception:
            pass

    sys.addaudithook(audit)

    # Checked in C where possible (itemgetter, attrgetter, map): about a millisecond for ~50 000 entries.
    from operator import attrgetter, is_not, itemgetter

    mappings = []
    for label, (getter, expected) in watched.items():
        keys = tuple(expected)
        if keys:
            fetch = itemgetter(*keys) if len(keys) > 1 else (lambda m, k=keys[0]: (m[k],))
            mappings.append((label, getter, fetch, keys, tuple(expected[k] for k in keys), label in strict, len(expected)))
    plain_functions = [(label, f, p) for label, (f, p) in functions.items()]
    function_objects = [f for _, f, _ in plain_functions]
    columns = [(attrgetter(name), tuple(p[i] for _, _, p in plain_functions))
               for i, name in enumerate(("__code__", "__defaults__", "__kwdefaults__", "__globals__"))]
    cells, contents, cell_owner = [], [], []
    for label, f, _ in plain_functions:
        for cell in f.__closure__ or ():
            try:
                contents.append(cell.cell_contents)
            except ValueError:
                continue
            cells.append(cell)
            cell_owner.append(label)
    get_contents = attrgetter("cell_contents")

    def problems():
        changed = []
        for get, expected in columns:
            if any(map(is_not, map(get, function_objects), expected)):
                changed += [label for label, f, p in plain_functions
                            if any(a is not b for a, b in zip(parts(f), p))]
                break
        try:
            if any(map(is_not, map(get_contents, cells), contents)):
                changed += [cell_owner[i] for i, (c, v) in enumerate(zip(cells, contents)) if c.cell_contents is not v]
        except ValueError:  # a cell emptied
            changed.append("a closure")
        for label, getter, fetch, keys, values, exact, size in mappings:
            try:
                now = getter()
                if (exact and len(now) != size) or any(map(is_not, fetch(now), values)):
                    key = next((k for k, v in zip(keys, values) if now.get(k, missing) is not v), None)
                    named = key is not None and isinstance(key, str) and not label.startswith(("IPython", "sys", "the "))
                    changed.append(f"{label}.{key}" if named else label)
            except Exception:
                changed.append(label)
        return changed, list(loaded)

    def verify():
        changed, files = problems()
        if changed:
            raise AssertionError(
                "your code changed what the tests use to check answers (" + ", ".join(sorted(set(changed))[:4])
                + "): answers may not modify numpy, scipy, math, Python's builtins, mixlib or the notebook's machinery."
                " This test and the later ones score zero; your instructor sees the change")
        if files:
            raise AssertionError(
                "your code loaded mixlib's own code again (importlib, open or exec on mixlib's files), which escapes"
                " the rule that mixlib's numerics are switched off while your answer runs: compute the answer yourself."
                " This test and the later ones score zero; your instructor sees it")

    state = {"before": {}}

    def begin():
        """First line of a hidden region: fail if anything was tampered with; remember the globals."""
        verify()
        state["before"] = dict(namespace)

    vault = []  # the test's own variables while an answer runs: in no frame the answer can walk up to

    def stash():
        before = state["before"]
        hidden = {k: v for k, v in namespace.items()
                  if not k.startswith("_") and not isinstance(v, (types.FunctionType, types.ModuleType, type))
                  and before.get(k, missing) is not v}
        for k in hidden:
            del namespace[k]
        vault.append(hidden)

    def unstash():
        namespace.update(vault.pop())

    def copied(value):
        if type(value) is numpy.ndarray:
            return value.copy()
        if type(value) in (list, tuple):
            return type(value)(copied(v) for v in value)
        return value

    plain = (bool, int, float, complex, str, type(None))

    def materialised(value, depth=0):
        # Plain numbers and arrays only: the test never calls the student's code again through the result.
        kind = type(value)
        if kind in plain or (isinstance(value, numpy.generic) and kind.__module__ == "numpy"):
            return value
        if kind is numpy.ndarray and value.dtype.kind in "biufc":
            return value.copy()
        if kind in (list, tuple) and depth < 3:
            return kind(materialised(v, depth + 1) for v in value)
        if kind is scipy.optimize.OptimizeResult:
            return scipy.optimize.OptimizeResult({k: materialised(v, depth + 1) for k, v in dict.items(value)
                                                  if type(k) is str})
        try:
            array = numpy.asarray(value)
        except Exception:
            return None
        return array.copy() if array.dtype.kind in "biufc" else None

    def error_name(error):
        name = type(error).__name__
        return name if getattr(builtins, name, None) is type(error) else "an error"

    def run(name, f, *args, also="", **kwargs):
        """The student's function f(*args, **kwargs) as described at the top; its errors become messages."""
        stash()
        failure = None
        try:
            with switched_off(), warnings.catch_warnings(), numpy.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                result = materialised(f(*copied(args), **{k: copied(v) for k, v in kwargs.items()}))
        except Exception as error:
            if str(error) in (off_message, mvn_message):
                failure = f"{name} raised RuntimeError: {str(error)}"
            else:
                failure = (f"{name} raised {error_name(error)} (run it on your own data like these to see where)")
        finally:
            unstash()
        verify()
        if failure is not None:
            raise AssertionError(failure + also)
        return result

    def agrees(f, reference, *args, **tolerance):
        """Whether f (an earlier answer) agrees with the reference on these arguments."""
        try:
            got = run("", f, *args)
            if isinstance(reference, tuple):
                return all(numpy.shape(g) == numpy.shape(r) and numpy.allclose(g, r, **tolerance)
                           for g, r in zip(tuple(got)[:len(reference)], reference))
            return numpy.shape(got) == numpy.shape(reference) and bool(numpy.allclose(got, reference, **tolerance))
        except AssertionError as error:
            if str(error).startswith("your code"):
                raise
            return False
        except Exception:
            return False

    def earlier(question, name):
        return (f" Your {name} (Question {question}) is wrong on these data too: this answer builds on it, so the"
                f" failure may come from Question {question}: fix Question {question} first.")

    return types.SimpleNamespace(begin=begin, run=run, agrees=agrees, earlier=earlier, switched_off=switched_off,
                                 problems=problems)
