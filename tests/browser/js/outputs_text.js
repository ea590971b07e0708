// Whether any cell output of the open notebook (not the prose) contains this text.
(text) => [...document.querySelectorAll('.jp-NotebookPanel-notebook .jp-OutputArea-output')]
  .some((o) => o.textContent.includes(text))
