// Run a JupyterLab command by its id, through the application's public command registry
// (window.jupyterapp is there because of --LabApp.expose_app_in_browser). With wait false the
// promise is not awaited: awaiting notebook:run-all-cells runs only the first cell.
async ([id, wait]) => {
  const done = window.jupyterapp.commands.execute(id);
  if (wait) await done;
  return true;
}
