// Mark every mixlib Explorer box in the page with the model id of the widget view output that
// holds it and its position inside that view (depth first), so the kernel can say which
// Explorer each box is. `views` comes from the saved notebook: [{cell, output, view}], the
// cell's index, the output's index in that cell and the view's model id.
(views) => {
  const cells = document.querySelectorAll('.jp-NotebookPanel-notebook .jp-Cell');
  const found = [];
  for (const {cell, output, view} of views) {
    const area = cells[cell] && cells[cell].querySelector('.jp-Cell-outputArea');
    const child = area && area.querySelectorAll(':scope > .jp-OutputArea-child')[output];
    if (!child) continue;
    child.querySelectorAll('.mixlib-explorer').forEach((el, position) => {
      el.setAttribute('data-mix-view', view);
      el.setAttribute('data-mix-position', String(position));
      found.push({cell, view, position});
    });
  }
  return found;
}
