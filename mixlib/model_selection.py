"""Choosing the number of components: held-out log-likelihood and a table of criteria over K.

``aic`` and ``bic`` (in ``mixlib.criteria``) score a fit on the data it was fitted to and charge
for parameters by formula. ``held_out_log_likelihood`` scores it on data the fit never saw
(K-fold cross-validation), so extra components earn credit only if they help predict new points.
``choose_k`` puts log-likelihood, AIC, BIC and the held-out log-likelihood side by side.

A degenerate fit (``DegenerateFitWarning``: an sd at the floor, a near-empty component) has a
likelihood that measures the floor, not the data, so no criterion may choose K by one:
``choose_k`` scores such rows as the worst possible and says so.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ._checks import as_data, as_rng, check_int
from .criteria import aic, bic, n_free_parameters
from .density import log_likelihood
from .em import fit_em
from .result import ConvergenceWarning, DegenerateFitWarning, FitResult


def fold_indices(n, n_folds, rng=None) -> list[np.ndarray]:
    """Split ``range(n)`` at random into ``n_folds`` folds of nearly equal size.

    Parameters
    ----------
    n : int >= n_folds, the number of points
    n_folds : int >= 2
    rng : None, int seed or numpy.random.Generator (the shuffle)

    Returns
    -------
    list of ``n_folds`` sorted integer arrays that together hold each index exactly once.

    Examples
    --------
    >>> [f.size for f in fold_indices(10, 3, rng=0)]
    [4, 3, 3]
    >>> sorted(np.concatenate(fold_indices(10, 3, rng=0)).tolist()) == list(range(10))
    True
    """
    n_folds = check_int(n_folds, "n_folds", 2)
    n = check_int(n, "n", 1)
    if n < n_folds:
        raise ValueError(
            f"n_folds: {n_folds} folds need at least {n_folds} points, but there are only {n}"
        )
    order = as_rng(rng).permutation(n)
    return [np.sort(part) for part in np.array_split(order, n_folds)]


def held_out_log_likelihood(x, k, *, n_folds=5, n_init=1, min_sd=None, tol=1e-8,
                            max_iter=10_000, rng=None, prior=None) -> float:
    """K-fold cross-validated log-likelihood of a K-component mixture fitted by EM.

    The data are shuffled (by ``rng``) into ``n_folds`` folds. For each fold, ``fit_em`` fits the
    other folds and the fold's points are scored by ``log_likelihood`` under that fit. The
    result is the sum over all points, so it is on the same scale as a log-likelihood of the
    whole sample; larger is better. Unlike the log-likelihood of the data the fit saw, it does
    not keep growing with ``k``.

    Parameters
    ----------
    x : 1-D array-like of real numbers
    k : int >= 1, the number of components
    n_folds : int >= 2
    n_init, min_sd, tol, max_iter, prior : passed to ``fit_em`` for every fold ("default"
        builds the default prior from each fold's training data)
    rng : None, int seed or numpy.random.Generator; draws the folds, then the random starts.
        An int seed gives the same folds and the same answer every time.

    Returns
    -------
    float

    Warns
    -----
    ConvergenceWarning, once, if some fold's fit stopped at ``max_iter``; DegenerateFitWarning,
    once, if some fold's fit was degenerate (the score then measures a collapse).

    Examples
    --------
    >>> import mixlib
    >>> x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 5], [1, 1]), 200, rng=0)
    >>> one = held_out_log_likelihood(x, 1, rng=0)
    >>> two = held_out_log_likelihood(x, 2, rng=0)
    >>> bool(two > one)
    True
    """
    total, n_degenerate, n_folds = _held_out(
        x, k, n_folds, n_init, min_sd, tol, max_iter, rng, prior,
        caller="held_out_log_likelihood")
    if n_degenerate:
        warnings.warn(
            f"held_out_log_likelihood: {n_degenerate} of {n_folds} fold fits with k={k} were "
            "degenerate (see DegenerateFitWarning), so this score reflects collapsed components; "
            "fit fewer components or raise min_sd",
            DegenerateFitWarning,
            stacklevel=2,
        )
    return total


def _held_out(x, k, n_folds, n_init, min_sd, tol, max_iter, rng, prior=None, *, caller):
    """The held-out total, the count of degenerate fold fits and the number of folds.

    Warns (as ``caller``, at the caller's caller) when fold fits stopped at ``max_iter``.
    """
    x = as_data(x)
    k = check_int(k, "k", 1)
    rng = as_rng(rng)
    if isinstance(n_folds, int) and not isinstance(n_folds, bool) and x.size < n_folds:
        raise ValueError(
            f"n_folds: {n_folds} folds need at least {n_folds} points, but x has only {x.size}"
        )
    folds = fold_indices(x.size, n_folds, rng)
    total = 0.0
    n_unconverged = n_degenerate = 0
    for fold in folds:
        train = np.delete(x, fold)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", DegenerateFitWarning)
            fit = fit_em(train, k=k, n_init=n_init, min_sd=min_sd, tol=tol,
                         max_iter=max_iter, rng=rng, prior=prior)
        n_unconverged += not fit.converged
        n_degenerate += bool(fit.degenerate)
        total += log_likelihood(x[fold], fit.params)
    if n_unconverged:
        warnings.warn(
            f"{caller}: {n_unconverged} of {len(folds)} fold fits stopped at "
            f"max_iter={max_iter}; raise max_iter or loosen tol",
            ConvergenceWarning, stacklevel=3,
        )
    return float(total), n_degenerate, len(folds)


@dataclass(frozen=True)
class KChoice:
    """One row of ``choose_k``: the fit with ``k`` components and its criteria.

    Attributes
    ----------
    k : int, number of components
    fit : FitResult, the EM fit to all the data (best of ``n_init`` starts)
    n_parameters : int, free parameters (3k - 1)
    log_likelihood : float, of the data the fit saw (larger is better; never falls as k grows
        when the fits reach their global maxima)
    aic, bic : float, smaller is better; ``inf`` when the fit to all the data is degenerate
    held_out : float, ``held_out_log_likelihood`` (larger is better); ``-inf`` when the fit to
        all the data or some fold's fit is degenerate
    degenerate : tuple of str, empty for a usable row; otherwise why its criteria were set to
        the worst value (so ``min(rows, key=lambda r: r.bic)`` never picks a collapse)
    """

    k: int
    fit: FitResult
    n_parameters: int
    log_likelihood: float
    aic: float
    bic: float
    held_out: float
    degenerate: tuple = ()


def choose_k(x, ks=range(1, 6), *, n_init=5, n_folds=5, min_sd=None, tol=1e-8,
             max_iter=10_000, rng=0, seed=None, prior=None) -> list[KChoice]:
    """Fit K = each of ``ks`` components by EM and score each fit four ways.

    Each K is fitted by ``fit_em(x, k=k, n_init=n_init, min_sd=min_sd, tol=tol,
    max_iter=max_iter, rng=rng)`` (the same integer seed for every K, so any one row can be
    reproduced on its own with that call), then scored by its log-likelihood, ``aic``, ``bic``
    and ``held_out_log_likelihood(..., rng=rng)``.

    A row whose fit is degenerate (an sd at the floor, a component with fewer than two points'
    worth of data, identical components) gets ``aic = bic = inf`` and ``held_out = -inf``; a row
    where only some fold fit is degenerate gets ``held_out = -inf``. ``row.degenerate`` says why
    and one ``DegenerateFitWarning`` lists the rows. So the K a criterion picks does not depend
    on how many larger K were offered (those collapse on rounded data such as Old Faithful's).

    Parameters
    ----------
    x : 1-D array-like of real numbers
    ks : iterable of ints >= 1
    n_init : int >= 1, EM starts per fit (the quantile start, then random ones)
    n_folds : int >= 2, folds for the held-out log-likelihood
    min_sd, tol, max_iter : passed to ``fit_em``
    prior : None, "default" or ConjugatePrior, passed to ``fit_em`` (and the fold fits): each K
        is then a MAP fit and its criteria use the log-likelihood at the MAP estimate, as mclust
        does. "default" is Fraley and Raftery's prior for that K (its scale depends on K).
    rng : int >= 0, the seed of every fit and of the folds
    seed : deprecated name of ``rng`` (DeprecationWarning)

    Returns
    -------
    list of KChoice, in the order of ``ks``

    Examples
    --------
    >>> import mixlib
    >>> x = mixlib.sample(mixlib.MixtureParams([0.5, 0.5], [0, 5], [1, 1]), 200, rng=0)
    >>> rows = choose_k(x, [1, 2, 3], n_init=2)
    >>> min(rows, key=lambda r: r.bic).k
    2
    """
    x = as_data(x)
    if seed is not None:
        warnings.warn("choose_k: seed is deprecated, pass rng instead (the same integer)",
                      DeprecationWarning, stacklevel=2)
        rng = seed
    # an integer, not a Generator: every K must be reproducible on its own from the same seed
    rng = check_int(rng, "rng", 0)
    rows = []
    for k in ks:
        k = check_int(k, "k", 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateFitWarning)
            fit = fit_em(x, k=k, n_init=n_init, min_sd=min_sd, tol=tol, max_iter=max_iter,
                         rng=rng, prior=prior)
        held_out, n_degenerate, n_folds_used = _held_out(
            x, k, n_folds, n_init, min_sd, tol, max_iter, rng, prior, caller=f"choose_k: k={k}")
        scores = {"aic": aic(x, fit.params), "bic": bic(x, fit.params), "held_out": held_out}
        problems = ()
        if fit.degenerate:
            problems = fit.degenerate
            scores = {"aic": np.inf, "bic": np.inf, "held_out": -np.inf}
        elif n_degenerate:
            problems = (f"{n_degenerate} of {n_folds_used} fold fits were degenerate",)
            scores["held_out"] = -np.inf
        rows.append(KChoice(
            k=k, fit=fit, n_parameters=n_free_parameters(fit.params),
            log_likelihood=fit.log_likelihood, degenerate=problems, **scores,
        ))
    flagged = [r for r in rows if r.degenerate]
    if flagged:
        details = "; ".join(f"k={r.k}: {r.degenerate[0]}" for r in flagged)
        warnings.warn(
            f"choose_k: {len(flagged)} of {len(rows)} rows are degenerate, so no criterion can "
            f"choose them (aic and bic set to inf, held_out to -inf where it applies): {details}",
            DegenerateFitWarning, stacklevel=2,
        )
    return rows
