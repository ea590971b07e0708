"""The state of an EM run that a widget steps through, testable without a browser."""

from __future__ import annotations


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


def connect_em_buttons(explorer, session, start_of, draw, readout_texts, *, max_run, converged,
                       reset_on=("start",)):
    """Wire an EM widget's Step, Run and Reset buttons (and its start choice) to ``session``.

    Parameters
    ----------
    explorer : Explorer with controls ``step``, ``run``, ``reset`` and those in ``reset_on``
    session : EMSession
    start_of : callable, ``start_of()`` is the start the controls choose now
    draw : callable, ``draw(params)`` updates the figure for the latest iterate
    readout_texts : callable, ``readout_texts(iteration, params)`` gives the readouts' text
    max_run : int, the most steps one press of Run takes
    converged : callable, ``converged(history)``: Run stops when it is true
    reset_on : names of the controls whose change resets the session

    Returns
    -------
    (reset, advance): ``reset()`` goes back to the chosen start (already called once, so the
    widget shows its start); ``advance(n_steps, stop=None)`` steps and redraws. A new control
    binds to them, e.g. ``controls["step10"].on_click(lambda _: advance(10))``.
    """
    def show():
        draw(session.current)
        explorer.show_readouts(readout_texts(session.iteration, session.current))

    def reset(_=None):
        session.reset(start_of())
        show()

    def advance(n_steps, stop=None):
        session.advance(n_steps, stop)
        show()

    for name in reset_on:
        explorer.controls[name].observe(reset, names="value")
    explorer.controls["step"].on_click(lambda _: advance(1))
    explorer.controls["run"].on_click(lambda _: advance(max_run, converged))
    explorer.controls["reset"].on_click(reset)
    reset()
    return reset, advance
