// Every cell of the open notebook as the page shows it, in order: code or not, the input prompt
// ("[3]:" ran, "[*]:" running, "[ ]:" not run), how many outputs, and the text of stderr outputs
// (warnings and tracebacks). DOM only: JupyterLab's cell, prompt and output-area classes.
() => {
  const notebook = document.querySelector('.jp-NotebookPanel-notebook');
  if (!notebook) return null;
  return [...notebook.querySelectorAll('.jp-Cell')].map((cell) => {
    const prompt = cell.querySelector('.jp-InputPrompt');
    const area = cell.querySelector('.jp-Cell-outputArea');
    const outputs = area ? [...area.querySelectorAll(':scope > .jp-OutputArea-child')] : [];
    return {
      code: cell.classList.contains('jp-CodeCell'),
      prompt: prompt ? prompt.textContent.trim() : '',
      outputs: outputs.length,
      stderr: outputs.map((o) => o.querySelector(
        ':scope > .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
        .filter((o) => o).map((o) => o.textContent.slice(-500)),
    };
  });
}
