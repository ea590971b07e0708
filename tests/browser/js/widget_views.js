// Render state of the widget views in the open notebook: how many outputs hold a widget view,
// how many rendered, and whether an output says "Error displaying widget" or "Loading widget".
() => {
  const node = document.querySelector('.jp-NotebookPanel-notebook');
  if (!node) return {views: 0, rendered: 0, errorDisplaying: false, loading: true};
  const outs = node.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]');
  let rendered = 0;
  outs.forEach((o) => { if (o.querySelector('.jupyter-widgets, .lm-Widget')) rendered++; });
  // Outputs only: the prose may well mention the error message.
  const text = [...node.querySelectorAll('.jp-OutputArea-output')].map((o) => o.textContent).join(' ');
  return {views: outs.length, rendered,
          errorDisplaying: text.includes('Error displaying widget'),
          loading: text.includes('Loading widget')};
}
