// Every cell of the open notebook as the page shows it, in order: code or not, the input prompt
// ("[3]:" ran, "[*]:" running, "[ ]:" not run), how many outputs, and the text of stderr outputs
// (warnings and tracebacks). DOM only: JupyterLab's cell, prompt and output-area classes, except
// for a collapsed cell (a prose check, saved with its source hidden): JupyterLab leaves its
// prompt empty, so its prompt is made from the cell model's execution count (a hidden cell shows
// no "[*]:" while it runs).
() => {
  const notebook = document.querySelector('.jp-NotebookPanel-notebook');
  if (!notebook) return null;
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const widgets = panel && panel.content && panel.content.widgets ? panel.content.widgets : [];
  const modelPrompt = (node) => {
    const widget = widgets.find((w) => w.node === node);
    if (!widget || !node.classList.contains('jp-CodeCell')) return '';
    const count = widget.model.executionCount;
    return count === null || count === undefined ? '[ ]:' : `[${count}]:`;
  };
  return [...notebook.querySelectorAll('.jp-Cell')].map((cell) => {
    const prompt = cell.querySelector('.jp-InputPrompt');
    const area = cell.querySelector('.jp-Cell-outputArea');
    const outputs = area ? [...area.querySelectorAll(':scope > .jp-OutputArea-child')] : [];
    return {
      code: cell.classList.contains('jp-CodeCell'),
      prompt: (prompt && prompt.textContent.trim()) || modelPrompt(cell),
      outputs: outputs.length,
      stderr: outputs.map((o) => o.querySelector(
        ':scope > .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
        .filter((o) => o).map((o) => o.textContent.slice(-500)),
    };
  });
}
