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
    _warn_degenerate_folds(n_degenerate, n_folds, k, "fit fewer components or raise min_sd")
    return total


def _warn_degenerate_folds(n_degenerate, n_folds, k, advice):
    """One DegenerateFitWarning, at the caller's caller, when some fold fits degenerated."""
    if n_degenerate:
        warnings.warn(
            f"held_out_log_likelihood: {n_degenerate} of {n_folds} fold fits with k={k} were "
            f"degenerate (see DegenerateFitWarning), so this score reflects collapsed components; "
            f"{advice}", DegenerateFitWarning, stacklevel=3)


def _held_out(x, k, n_folds, n_init, min_sd, tol, max_iter, rng, prior=None, *, caller):
    """The held-out total, the count of degenerate fold fits and the number of folds.

    Warns (as ``caller``, at the caller's caller) when fold fits stopped at ``max_iter``.
    """
    x = as_data(x)
    k = check_int(k, "k", 1)
    return _cross_validate(
        x, n_folds, rng, "x", caller, max_iter,
        lambda train, rng: fit_em(train, k=k, n_init=n_init, min_sd=min_sd, tol=tol,
                                  max_iter=max_iter, rng=rng, prior=prior),
        log_likelihood)


def _cross_validate(data, n_folds, rng, name, caller, max_iter, fit, score):
    """K-fold cross-validation of ``fit(train, rng) -> FitResult`` scored by
    ``score(test, params)``, for 1-D and d-D data alike (folds split the first axis).

    Returns the held-out total, the count of degenerate fold fits and the number of folds; warns
    (as ``caller``, at the caller's caller) when fold fits stopped at ``max_iter``.
    """
    rng = as_rng(rng)
    n = data.shape[0]
    if isinstance(n_folds, int) and not isinstance(n_folds, bool) and n < n_folds:
        raise ValueError(
            f"n_folds: {n_folds} folds need at least {n_folds} points, but {name} has only {n}"
        )
    folds = fold_indices(n, n_folds, rng)
    total = 0.0
    n_unconverged = n_degenerate = 0
    for fold in folds:
        train = np.delete(data, fold, axis=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", DegenerateFitWarning)
            result = fit(train, rng)
        n_unconverged += not result.converged
        n_degenerate += bool(result.degenerate)
        total += score(data[fold], result.params)
    if n_unconverged:
        warnings.warn(
            f"{caller}: {n_unconverged} of {len(folds)} fold fits stopped at "
            f"max_iter={max_iter}; raise max_iter or loosen tol",
            ConvergenceWarning, stacklevel=4,
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
    _warn_degenerate_rows(rows, lambda r: f"k={r.k}", "aic and bic")
    return rows


def _warn_degenerate_rows(rows, label, criteria, held_out="-inf"):
    """One DegenerateFitWarning from ``choose_k`` (at its caller) listing the degenerate rows.

    ``criteria`` names the scores computed from the fit to all the data ("aic and bic"): they are
    set to inf only where that fit is degenerate; a row where only fold fits are degenerate keeps
    them, and only its held-out score is -inf, so the message must not say no criterion can
    choose it. ``held_out`` is what a degenerate full-data fit's held-out score was set to.
    """
    flagged = [r for r in rows if r.degenerate]
    if flagged:
        details = "; ".join(f"{label(r)}: {r.degenerate[0]}" for r in flagged)
        warnings.warn(
            f"choose_k: {len(flagged)} of {len(rows)} rows are degenerate. Where the fit to all "
            f"the data is degenerate, {criteria} are set to inf and held_out to {held_out}, so no "
            f"criterion can choose the row; where only fold fits are, only held_out is set to "
            f"-inf ({criteria} stay finite and can still choose it): {details}",
            DegenerateFitWarning, stacklevel=3)


# ---- d dimensions ---------------------------------------------------------------------------------

def multivariate_held_out_log_likelihood(X, k, *, covariance="full", n_folds=5, n_init=1,
                                         tol=1e-8, max_iter=10_000, rng=None,
                                         init_method="axis") -> float:
    """K-fold cross-validated log-likelihood of a d-D mixture fitted by EM
    (``mixlib.multivariate.held_out_log_likelihood``): the 1-D ``held_out_log_likelihood`` for
    points ``X`` (n, d) and a covariance structure.

    Parameters
    ----------
    X : array-like (n, d)
    k : int >= 1, the number of components
    covariance : "full", "diag", "spherical" or "tied"
    n_folds : int >= 2
    n_init, tol, max_iter, init_method : passed to ``mixlib.multivariate.fit_em`` for every fold
    rng : None, int seed or numpy.random.Generator; draws the folds, then the random starts

    Returns
    -------
    float (larger is better)

    Warns
    -----
    ConvergenceWarning, once, if some fold's fit stopped at ``max_iter``; DegenerateFitWarning,
    once, if some fold's fit was degenerate.

    Examples
    --------
    >>> from mixlib import multivariate as mv
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (100, 2)), rng.normal(5, 1, (100, 2))]
    >>> one = mv.held_out_log_likelihood(X, 1, rng=0)
    >>> bool(mv.held_out_log_likelihood(X, 2, rng=0) > one)
    True
    """
    total, n_degenerate, n_folds = _multivariate_held_out(
        X, k, covariance, n_folds, n_init, tol, max_iter, rng, init_method,
        caller="held_out_log_likelihood")
    _warn_degenerate_folds(n_degenerate, n_folds, k,
                           "fit fewer components or a more constrained covariance")
    return total


def _multivariate_held_out(X, k, covariance, n_folds, n_init, tol, max_iter, rng, init_method,
                           *, caller):
    from ._checks import as_points
    from .multivariate.covariance import check_covariance_type
    from .multivariate.density import log_likelihood as mv_log_likelihood
    from .multivariate.em import fit_em as mv_fit_em

    X = as_points(X)
    k = check_int(k, "k", 1)
    covariance = check_covariance_type(covariance)
    return _cross_validate(
        X, n_folds, rng, "X", caller, max_iter,
        lambda train, rng: mv_fit_em(train, k=k, covariance=covariance, n_init=n_init, tol=tol,
                                     max_iter=max_iter, rng=rng, init_method=init_method),
        mv_log_likelihood)


@dataclass(frozen=True)
class MultivariateKChoice:
    """One row of ``mixlib.multivariate.choose_k``: a fit with ``k`` components and a covariance
    structure, and its criteria.

    Attributes
    ----------
    k : int; covariance : str
    fit : FitResult, the EM fit to all the data (best of ``n_init`` starts)
    n_parameters : int, free parameters (``mixlib.multivariate.n_free_parameters``)
    log_likelihood : float
    aic, bic, icl : float, smaller is better; ``inf`` when the fit is degenerate
    held_out : float, larger is better; ``-inf`` when the fit or a fold's fit is degenerate
    degenerate : tuple of str, why a row's criteria were set to the worst value (empty if usable)
    """

    k: int
    covariance: str
    fit: FitResult
    n_parameters: int
    log_likelihood: float
    aic: float
    bic: float
    icl: float
    held_out: float
    degenerate: tuple = ()


def multivariate_choose_k(X, ks=range(1, 6), covariances=("full", "diag", "spherical", "tied"),
                          *, n_init=5, n_folds=5, tol=1e-8, max_iter=10_000, rng=0,
                          init_method="axis", held_out=True) -> list[MultivariateKChoice]:
    """Fit every K in ``ks`` with every covariance structure by EM and score each fit by its
    log-likelihood, AIC, BIC, ICL and held-out log-likelihood (``mixlib.multivariate.choose_k``;
    the d-D ``mixlib.choose_k``, with mclust's grid of models over structures).

    Each row's fit is ``mixlib.multivariate.fit_em(X, k=k, covariance=covariance,
    n_init=n_init, tol=tol, max_iter=max_iter, rng=rng, init_method=init_method)``, with the same
    integer seed for every row, so any row can be reproduced on its own. A degenerate fit gets
    ``aic = bic = icl = inf`` and ``held_out = -inf`` (as in ``mixlib.choose_k``).

    Parameters
    ----------
    X : array-like (n, d)
    ks : iterable of ints >= 1
    covariances : iterable of covariance structure names
    n_init, tol, max_iter, init_method : passed to ``fit_em``
    n_folds : int >= 2, folds for the held-out log-likelihood
    rng : int >= 0, the seed of every fit and of the folds
    held_out : bool, compute the held-out score (``n_folds`` more fits per row); ``False`` leaves
        it NaN

    Returns
    -------
    list of MultivariateKChoice, K varying fastest within each structure's block

    Examples
    --------
    >>> from mixlib import multivariate as mv
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (150, 2)), rng.normal(5, 1, (150, 2))]
    >>> rows = mv.choose_k(X, [1, 2, 3], ["full", "spherical"], n_init=2, held_out=False)
    >>> best = min(rows, key=lambda r: r.bic)
    >>> best.k, min(rows, key=lambda r: r.icl).k
    (2, 2)
    """
    from ._checks import as_points
    from .criteria import multivariate_aic, multivariate_bic, multivariate_icl
    from .multivariate.covariance import check_covariance_type, n_free_parameters as count
    from .multivariate.em import fit_em as mv_fit_em

    X = as_points(X)
    rng = check_int(rng, "rng", 0)
    covariances = [check_covariance_type(c) for c in covariances]
    ks = [check_int(k, "k", 1) for k in ks]
    rows = []
    for covariance in covariances:
        for k in ks:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateFitWarning)
                fit = mv_fit_em(X, k=k, covariance=covariance, n_init=n_init, tol=tol,
                                max_iter=max_iter, rng=rng, init_method=init_method)
            score, n_degenerate, n_folds_used = (np.nan, 0, 0)
            if held_out:
                score, n_degenerate, n_folds_used = _multivariate_held_out(
                    X, k, covariance, n_folds, n_init, tol, max_iter, rng, init_method,
                    caller=f"choose_k: k={k}, covariance={covariance!r}")
            scores = {"aic": multivariate_aic(X, fit.params, covariance),
                      "bic": multivariate_bic(X, fit.params, covariance),
                      "icl": multivariate_icl(X, fit.params, covariance), "held_out": score}
            problems = ()
            if fit.degenerate:
                problems = fit.degenerate
                scores = {"aic": np.inf, "bic": np.inf, "icl": np.inf,
                          "held_out": -np.inf if held_out else np.nan}
            elif n_degenerate:
                problems = (f"{n_degenerate} of {n_folds_used} fold fits were degenerate",)
                scores["held_out"] = -np.inf
            rows.append(MultivariateKChoice(
                k=k, covariance=covariance, fit=fit,
                n_parameters=count(k, X.shape[1], covariance),
                log_likelihood=fit.log_likelihood, degenerate=problems, **scores))
    _warn_degenerate_rows(rows, lambda r: f"k={r.k} {r.covariance}", "aic, bic and icl",
                          "-inf" if held_out else "NaN (not computed)")
    return rows
