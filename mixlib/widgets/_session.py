"""The state of an EM run that a widget steps through, testable without a browser."""

from __future__ import annotations

import ipywidgets as widgets

from ..convergence import run_converged
from ._convergence import run_status


class EMSession:
    """Iterates of EM from a start and their log-likelihoods; every EM widget keeps one.

    Parameters
    ----------
    step : callable, ``step(params)`` returns the next iterate (for example
        ``lambda p: mixlib.em_step(x, p)``)
    log_likelihood : callable, ``log_likelihood(params)`` returns a float
    start : the first iterate

    Attributes
    ----------
    iterates : list, the start and every iterate after it
    history : list of float, the log-likelihood of each iterate

    Examples
    --------
    >>> x = np.array([0.0, 0.1, 1.0, 1.1])
    >>> session = EMSession(lambda p: mixlib.em_step(x, p),
    ...                     lambda p: mixlib.log_likelihood(x, p),
    ...                     mixlib.MixtureParams([0.5, 0.5], [0.2, 0.8], [0.5, 0.5]))
    >>> session.advance(3)
    False
    >>> session.iteration, session.history[-1] >= session.history[0]
    (3, True)
    >>> session.reset(); session.iteration
    0
    """

    def __init__(self, step, log_likelihood, start):
        self._step = step
        self._log_likelihood = log_likelihood
        self.iterates = []
        self.history = []
        self.reset(start)

    @property
    def current(self):
        """The latest iterate."""
        return self.iterates[-1]

    @property
    def iteration(self):
        """How many EM steps the session has taken since the start."""
        return len(self.iterates) - 1

    def reset(self, start=None, *, step=None, log_likelihood=None):
        """Back to ``start`` (default: the current start), optionally with new data's functions."""
        start = self.iterates[0] if start is None else start
        self._step = step or self._step
        self._log_likelihood = log_likelihood or self._log_likelihood
        self.iterates[:] = [start]
        self.history[:] = [self._log_likelihood(start)]

    def advance(self, n_steps, stop=None):
        """Take up to ``n_steps`` EM steps; stop early when ``stop(history)`` is true.

        Returns
        -------
        bool, whether ``stop`` ended the run (False when the ``n_steps`` ran out)
        """
        for _ in range(n_steps):
            self.iterates.append(self._step(self.iterates[-1]))
            self.history.append(self._log_likelihood(self.iterates[-1]))
            if stop is not None and stop(self.history):
                return True
        return False

    def run(self, max_steps, n_points, tol):
        """Take EM steps until ``run_converged`` (tol per point) or ``max_steps``; say which.

        Every EM widget's Run button calls this, so all stop by the same rule.

        Returns
        -------
        str, the status line (``mixlib.widgets._convergence.run_status``): "converged after N
        steps" or "stopped after N steps, NOT converged: ..."
        """
        self.advance(max_steps, lambda history: run_converged(history, n_points, tol))
        return run_status(self.history, n_points, tol)


def connect_em_buttons(explorer, session, start_of, draw, readout_texts, *, max_run, n_points, tol,
                       status, reset_on=("start",)):
    """Wire an EM widget's Step, Run and Reset buttons (and its start choice) to ``session``.

    Parameters
    ----------
    explorer : Explorer with controls ``step``, ``run``, ``reset`` and those in ``reset_on``
    session : EMSession
    start_of : callable, ``start_of()`` is the start the controls choose now
    draw : callable, ``draw(params)`` updates the figure for the latest iterate
    readout_texts : callable, ``readout_texts(iteration, params)`` gives the readouts' text
    max_run : int, the most steps one press of Run takes
    n_points, tol : Run stops when the log-likelihood still to gain, projected from EM's current
        rate, is below ``tol`` per point (``EMSession.run``)
    status : ipywidgets.HTML, the line saying whether the last Run converged (emptied by Step,
        Reset and a new start)
    reset_on : names of the controls whose change resets the session

    Returns
    -------
    (reset, advance): ``reset()`` goes back to the chosen start (already called once, so the
    widget shows its start); ``advance(n_steps)`` steps and redraws. A new control binds to
    them, e.g. ``controls["step10"].on_click(lambda _: advance(10))``.
    """
    def show():
        draw(session.current)
        explorer.show_readouts(readout_texts(session.iteration, session.current))

    def reset(_=None):
        session.reset(start_of())
        status.value = ""
        show()

    def advance(n_steps):
        session.advance(n_steps)
        status.value = ""
        show()

    def run(_=None):
        status.value = session.run(max_run, n_points, tol)
        show()

    for name in reset_on:
        explorer.controls[name].observe(reset, names="value")
    explorer.controls["step"].on_click(lambda _: advance(1))
    explorer.controls["run"].on_click(run)
    explorer.controls["reset"].on_click(reset)
    reset()
    return reset, advance


def new_status_line():
    """The HTML line under an EM widget's buttons that says whether the last Run converged.

    Not a readout: readouts show the current iterate, which ``Explorer.expected_readouts``
    recomputes; the status is about the Run that led there. CSS class ``mixlib-readout-status``.
    """
    status = widgets.HTML()
    status.add_class("mixlib-readout-status")
    return status
