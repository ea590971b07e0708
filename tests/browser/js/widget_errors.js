// Error text (stderr outputs: tracebacks, warnings) shown inside a widget, e.g. a callback's.
(el) => [...el.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
  .map((o) => o.textContent.slice(-500))
