"""Run inside a notebook's kernel by the browser tests (sent as text, never imported there):
for each displayed widget view, the ``mixlib.widgets.Explorer`` boxes it contains, depth first
(the DOM order), each with its controls' values, the readouts it shows and what mixlib says
they should show. Prints one line of JSON."""

import json


def probe(views):
    from ipywidgets.widgets.widget import _instances
    from mixlib.widgets import Explorer

    def explorers_in(widget, seen):
        if id(widget) in seen:
            return []
        seen.add(id(widget))
        if isinstance(widget, Explorer):
            return [widget]
        found = []
        for child in getattr(widget, "children", ()) or ():
            found += explorers_in(child, seen)
        return found

    def jsonable(value):
        try:
            json.dumps(value)
            return value
        except TypeError:
            return repr(value)

    result = {}
    for view in views:
        top = _instances.get(view)
        boxes = explorers_in(top, set()) if top is not None else []
        result[view] = [{
            "model_id": box.model_id,
            "controls": {name: {"type": type(c).__name__,
                                "value": jsonable(getattr(c, "value", None)),
                                "description": getattr(c, "description", "")}
                         for name, c in box.controls.items()},
            "readouts": {name: type(r).__name__ for name, r in box.readouts.items()},
            "shown": box.readout_texts(),
            "expected": box.expected_readouts(),
        } for box in boxes]
    print(json.dumps(result))
