"""Tests for mixlib.model_selection: folds, held-out log-likelihood, choose_k."""

import warnings

import numpy as np
import pytest

import mixlib
from mixlib.model_selection import fold_indices

TWO = mixlib.MixtureParams([0.4, 0.6], [0.0, 5.0], [1.0, 1.2])


@pytest.fixture(scope="module")
def x():
    return mixlib.sample(TWO, 300, rng=3)


def test_folds_partition_the_indices():
    folds = fold_indices(23, 5, rng=1)
    assert len(folds) == 5
    assert sorted(len(f) for f in folds) == [4, 4, 5, 5, 5]
    assert np.array_equal(np.sort(np.concatenate(folds)), np.arange(23))


def test_folds_are_seeded():
    a, b = fold_indices(50, 4, rng=7), fold_indices(50, 4, rng=7)
    assert all(np.array_equal(f, g) for f, g in zip(a, b))


@pytest.mark.parametrize("n, n_folds", [(5, 1), (3, 4)])
def test_folds_reject_bad_sizes(n, n_folds):
    with pytest.raises(ValueError):
        fold_indices(n, n_folds)


def test_held_out_equals_a_hand_written_cross_validation(x):
    """Recompute the sum of held-out log-densities fold by fold with fit_em and logpdf."""
    got = mixlib.held_out_log_likelihood(x, 2, n_folds=4, rng=11)
    rng = np.random.default_rng(11)
    order = rng.permutation(x.size)
    total = 0.0
    for fold in np.array_split(order, 4):
        mask = np.ones(x.size, bool)
        mask[fold] = False
        fit = mixlib.fit_em(x[mask], k=2, rng=rng)
        total += mixlib.logpdf(x[~mask], fit.params).sum()
    assert got == pytest.approx(total, rel=1e-12)


def test_held_out_is_below_the_in_sample_log_likelihood(x):
    in_sample = mixlib.fit_em(x, k=2).log_likelihood
    held_out = mixlib.held_out_log_likelihood(x, 2, rng=0)
    assert held_out < in_sample
    # ...but of the same size: a few units per free parameter at most
    assert in_sample - held_out < 5 * 5


def test_held_out_prefers_the_true_k_and_is_reproducible(x):
    scores = {k: mixlib.held_out_log_likelihood(x, k, n_init=3, rng=5) for k in (1, 2)}
    assert scores[2] > scores[1] + 50
    assert mixlib.held_out_log_likelihood(x, 2, n_init=3, rng=5) == scores[2]


def test_held_out_warns_once_when_folds_stop_early(x):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mixlib.held_out_log_likelihood(x, 3, max_iter=2, rng=0)
    messages = [w for w in caught if issubclass(w.category, mixlib.ConvergenceWarning)]
    assert len(messages) == 1
    assert "5 of 5 fold fits" in str(messages[0].message)
    assert messages[0].filename == __file__  # points at the caller, not inside mixlib


def test_choose_k_warns_per_k_when_folds_stop_early(x):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mixlib.choose_k(x, [2, 3], n_init=1, n_folds=3, max_iter=2, rng=0)
    messages = [str(w.message) for w in caught if issubclass(w.category, mixlib.ConvergenceWarning)
                and "fold fits" in str(w.message)]
    assert [m.split(":")[1].strip() for m in messages] == ["k=2", "k=3"]
    assert all("3 of 3 fold fits stopped at max_iter=2" in m for m in messages)
    assert all(w.filename == __file__ for w in caught if "fold fits" in str(w.message))


def test_choose_k_rows_match_the_documented_calls(x):
    rows = mixlib.choose_k(x, [1, 2, 3], n_init=2, n_folds=3, rng=4)
    assert [r.k for r in rows] == [1, 2, 3]
    for row in rows:
        fit = mixlib.fit_em(x, k=row.k, n_init=2, rng=4)
        assert row.fit.params == fit.params
        assert row.log_likelihood == fit.log_likelihood
        assert row.n_parameters == 3 * row.k - 1
        assert row.aic == pytest.approx(2 * row.n_parameters - 2 * fit.log_likelihood)
        assert row.bic == pytest.approx(row.n_parameters * np.log(x.size) - 2 * fit.log_likelihood)
        assert row.held_out == mixlib.held_out_log_likelihood(x, row.k, n_folds=3, n_init=2, rng=4)
    assert min(rows, key=lambda r: r.bic).k == 2
    assert max(rows, key=lambda r: r.held_out).k in (2, 3)
    assert rows[1].log_likelihood > rows[0].log_likelihood


def test_choose_k_rejects_bad_arguments(x):
    with pytest.raises(ValueError):
        mixlib.choose_k(x, [0])
    with pytest.raises(TypeError):
        mixlib.choose_k(x, [1], rng=1.5)


# ---- issue 12: degenerate fits, rng, messages ------------------------------------------------

from mixlib import DegenerateFitWarning  # noqa: E402


def test_n_folds_larger_than_the_sample_names_n_folds(x):
    """Before: 'n: must be >= 10', blaming an argument the user never passed."""
    with pytest.raises(ValueError, match=r"^n_folds: 10 folds need at least 10 points, but x has only 5"):
        mixlib.held_out_log_likelihood(x[:5], 2, n_folds=10)


def test_choose_k_seed_is_deprecated_but_works(x):
    with pytest.warns(DeprecationWarning, match="rng"):
        old = mixlib.choose_k(x, [1, 2], n_init=1, n_folds=3, seed=4)
    new = mixlib.choose_k(x, [1, 2], n_init=1, n_folds=3, rng=4)
    assert [r.bic for r in old] == [r.bic for r in new]


def test_choose_k_rows_are_independent_of_the_other_ks(x):
    """Each row depends only on its own k and the seed (what the notebook's rule relies on)."""
    few = mixlib.choose_k(x, [2, 3], n_init=2, n_folds=3, rng=4)
    more = mixlib.choose_k(x, [1, 2, 3], n_init=2, n_folds=3, rng=4)
    for a, b in zip(few, more[1:]):
        assert (a.k, a.aic, a.bic, a.held_out) == (b.k, b.aic, b.bic, b.held_out)


def test_choose_k_never_chooses_a_collapse():
    """Two well separated groups on a grid of 0.5: K=4 can only sit on tied values."""
    y = np.r_[np.repeat([0.0, 0.5], 30), np.repeat([5.0, 5.5], 30)]
    with pytest.warns(DegenerateFitWarning, match=r"choose_k: .*k=4"):
        rows = mixlib.choose_k(y, [1, 2, 4], n_init=2, n_folds=3, rng=0)
    k4 = rows[-1]
    assert k4.degenerate and k4.held_out == -np.inf
    assert k4.fit.degenerate or (np.isfinite(k4.aic) and np.isfinite(k4.bic))
    assert min(rows, key=lambda r: r.aic).k == 2
    assert max(rows, key=lambda r: r.held_out).k == 2


def test_held_out_warns_when_fold_fits_are_degenerate():
    y = np.r_[np.repeat([0.0, 0.5], 30), np.repeat([5.0, 5.5], 30)]
    with pytest.warns(DegenerateFitWarning, match=r"held_out_log_likelihood: \d of 3 fold fits"):
        mixlib.held_out_log_likelihood(y, 4, n_folds=3, rng=0)


def _choices(rows):
    return {"AIC": min(rows, key=lambda r: r.aic).k, "BIC": min(rows, key=lambda r: r.bic).k,
            "held-out": max(rows, key=lambda r: r.held_out).k}


@pytest.fixture(scope="module")
def faithful_rows():
    data = mixlib.datasets.old_faithful()
    return {name: mixlib.choose_k(np.asarray(data[name], float), range(1, 8), n_init=5, rng=0)
            for name in ("waiting", "eruptions")}


@pytest.mark.parametrize("name", ["waiting", "eruptions"])
def test_old_faithful_choice_does_not_depend_on_how_many_k_are_offered(faithful_rows, name):
    """The notebooks' rule. Rows depend only on their own k (tested above), so the rows of
    range(1, 8) restricted to range(1, 4) and range(1, 6) are what choose_k returns for those.
    Before issue 12 waiting's K=7 collapsed and AIC and BIC chose it; held-out chose K=6."""
    rows = faithful_rows[name]
    by_range = {n: _choices([r for r in rows if r.k < n]) for n in (4, 6, 8)}
    assert by_range[4]["BIC"] == by_range[6]["BIC"] == by_range[8]["BIC"]
    if name == "waiting":
        assert by_range[4] == by_range[6] == by_range[8] == {"AIC": 2, "BIC": 2, "held-out": 2}
    else:
        # AIC and held-out pick K = 5 and 4, which range(1, 4) does not offer
        assert by_range[6] == by_range[8] == {"AIC": 5, "BIC": 3, "held-out": 4}
        assert by_range[4]["BIC"] == 3


@pytest.mark.slow
@pytest.mark.parametrize("name", ["waiting", "eruptions"])
def test_old_faithful_choice_with_three_separate_calls(name):
    x = np.asarray(mixlib.datasets.old_faithful()[name], float)
    bics = {n: _choices(mixlib.choose_k(x, range(1, n), n_init=5, rng=0))["BIC"] for n in (4, 6, 8)}
    assert len(set(bics.values())) == 1
