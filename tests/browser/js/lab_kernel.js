// The kernel of the notebook in the main area, as the page's own session sees it. The one place
// that reads JupyterLab's objects rather than its DOM: "idle" in the toolbar is not enough, the
// page's kernel connection must also be "connected", or Run All runs only the first cell.
(path) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const context = panel && panel.context;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session &&
                 panel.sessionContext.session.kernel;
  const state = kernel ? kernel.connectionStatus + ':' + kernel.status : 'none';
  return {
    opened: !!context && context.path === path && context.isReady,
    state,
    id: kernel ? kernel.id : null,
  };
}
