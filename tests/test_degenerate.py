"""Issue 12: degenerate fits never pass silently, and starts break ties.

A degenerate fit has an sd at the floor, a component with fewer than two points' worth of data,
or two identical components; both fitters warn (DegenerateFitWarning) and say so in the result.
"""

import warnings

import numpy as np
import pytest

import mixlib
from mixlib import DegenerateFitWarning, MixtureParams
from mixlib.starts import quantile_start, random_start

FITTERS = {"fit_em": mixlib.fit_em, "fit_direct": mixlib.fit_direct}


def _fit_quietly(fitter, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fitter(*args, **kwargs)


@pytest.fixture(scope="module")
def waiting():
    return np.asarray(mixlib.datasets.old_faithful()["waiting"], dtype=float)


def test_old_faithful_k7_collapse_warns_and_says_so(waiting):
    """The review's case: from this start K=7 collapses onto the 7 tied values at 73 (sd 1.4e-5)."""
    start = random_start(waiting, 7, np.random.default_rng(1))
    with pytest.warns(DegenerateFitWarning, match=r"sd floor.*mean 73"):
        fit = mixlib.fit_em(waiting, start)
    assert fit.degenerate and "sd floor" in fit.degenerate[0]
    assert "degenerate fit" in fit.message
    assert fit.params.sds.min() == pytest.approx(1e-6 * np.std(waiting), rel=1e-6)


@pytest.mark.parametrize("name", FITTERS)
def test_rounded_data(original, name):
    """np.round(x) of the original example holds only 0 and 1: K=4 climbed to +1131 silently."""
    _, _, _, x = original
    with pytest.raises(ValueError, match="only 2 distinct values"):
        FITTERS[name](np.round(x), k=4, n_init=5, rng=0)
    with pytest.warns(DegenerateFitWarning):
        fit = FITTERS[name](np.round(x), k=2)
    assert fit.degenerate


@pytest.mark.parametrize("name", FITTERS)
@pytest.mark.parametrize("data", [
    np.r_[np.zeros(10), np.ones(10)],            # two distinct values
    np.r_[np.zeros(10), np.ones(10)].astype(bool),
    1e16 + np.r_[np.zeros(10), 2.0 * np.ones(10)],  # at a 1e16 offset
], ids=["two-values", "bool", "offset-1e16"])
def test_two_distinct_values_warn(name, data):
    with pytest.warns(DegenerateFitWarning, match="sd floor"):
        fit = FITTERS[name](data, k=2)
    assert fit.degenerate
    assert np.isfinite(fit.log_likelihood)


@pytest.mark.parametrize("name", FITTERS)
def test_more_components_than_distinct_values_raises(name):
    x = np.r_[np.zeros(10), np.ones(10), 2 * np.ones(10)]
    with pytest.raises(ValueError, match=r"^x: has only 3 distinct values, fewer than the k=4"):
        FITTERS[name](x, k=4)


def test_a_start_far_from_the_data_leaves_a_dead_component_and_warns(original):
    _, _, p0, x = original
    start = MixtureParams([0.5, 0.5], [0.3, 1e6], [0.2, 0.2])
    with pytest.warns(DegenerateFitWarning, match=r"component 2 of 2 holds .* points' worth"):
        fit = mixlib.fit_em(x, start)
    assert fit.degenerate


@pytest.mark.parametrize("name", FITTERS)
def test_ordinary_fits_do_not_warn(original, waiting, name):
    truth, _, p0, x = original
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = mixlib.fit_em(x, p0) if name == "fit_em" else mixlib.fit_direct(x, p0)
        b = FITTERS[name](waiting, k=2)
    assert a.degenerate == () and b.degenerate == ()


def test_n_init_prefers_a_sound_fit_to_a_collapse(waiting):
    """With several starts the best non-degenerate one wins over a higher, collapsed likelihood."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegenerateFitWarning)
        fit = mixlib.fit_em(waiting, k=7, n_init=5, rng=0)
    assert fit.degenerate == ()
    assert fit.log_likelihood < -1000  # the collapse reached -956


def test_min_sd_rounding_is_the_rounding_step_over_sqrt12(waiting):
    fit = _fit_quietly(mixlib.fit_em, waiting, k=3, min_sd="rounding")
    assert np.all(fit.params.sds >= 1 / np.sqrt(12) * (1 - 1e-12))
    p = mixlib.em_step(waiting, fit.params, min_sd="rounding")
    assert np.all(p.sds >= 1 / np.sqrt(12) * (1 - 1e-12))


# ---- starts that break ties --------------------------------------------------------------------

@pytest.fixture(scope="module")
def tied():
    rng = np.random.default_rng(0)
    return np.r_[np.zeros(800), rng.normal(5, 1, 200)]


def test_quantile_start_is_distinct_on_tied_data(tied):
    p = quantile_start(tied, 2)
    assert p.means[0] != p.means[1]
    sixty = np.r_[np.zeros(600), np.random.default_rng(1).normal(5, 1, 400)]
    assert np.unique(quantile_start(sixty, 3).means).size == 3


def test_quantile_start_unchanged_without_ties(original):
    _, _, _, x = original
    np.testing.assert_array_equal(quantile_start(x, 3).means, np.quantile(x, [1 / 6, 0.5, 5 / 6]))


def test_random_start_draws_distinct_values():
    x = np.r_[np.zeros(995), 1.0, 2.0, 3.0, 4.0, 5.0]
    for seed in range(20):
        assert np.unique(random_start(x, 3, np.random.default_rng(seed)).means).size == 3


@pytest.mark.parametrize("name", FITTERS)
def test_tied_data_no_longer_fit_two_identical_components(tied, name):
    """Before: two identical components (means 1.003, sds 2.052) at K=1's likelihood, silently."""
    one = mixlib.fit_em(tied, k=1)
    fit = _fit_quietly(FITTERS[name], tied, k=2)
    assert not np.isclose(fit.params.means[0], fit.params.means[1])
    assert fit.log_likelihood > one.log_likelihood + 100


@pytest.mark.parametrize("name", FITTERS)
def test_identical_components_warn(original, name):
    _, _, _, x = original
    m, s = float(np.mean(x)), float(np.std(x))
    same = MixtureParams([0.5, 0.5], [m, m], [s, s])
    with pytest.warns(DegenerateFitWarning, match="components 1 and 2 are identical"):
        fit = FITTERS[name](x, same)
    assert any("identical" in p for p in fit.degenerate)
