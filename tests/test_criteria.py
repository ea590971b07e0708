"""aic, bic and n_free_parameters."""

import numpy as np
import pytest

import mixlib
from mixlib import MixtureParams


@pytest.mark.parametrize("k", [1, 2, 3, 4, 7])
def test_n_free_parameters_is_3k_minus_1(k):
    p = MixtureParams(np.full(k, 1 / k), np.arange(k), np.ones(k))
    assert mixlib.n_free_parameters(p) == 3 * k - 1
    assert type(mixlib.n_free_parameters(p)) is int
    assert len(mixlib.to_unconstrained(p)) == mixlib.n_free_parameters(p)


def test_aic_bic_formulas(original):
    truth, _, _, x = original
    ll = mixlib.log_likelihood(x, truth)
    assert mixlib.aic(x, truth) == pytest.approx(2 * 5 - 2 * ll, rel=1e-14)
    assert mixlib.bic(x, truth) == pytest.approx(5 * np.log(x.size) - 2 * ll, rel=1e-14)
    assert type(mixlib.aic(x, truth)) is float and type(mixlib.bic(x, truth)) is float


def test_bic_prefers_two_components_for_the_original_example(original):
    _, _, _, x = original
    fits = {k: mixlib.fit_em(x, k=k, n_init=3, rng=0) for k in (1, 2, 3)}
    bics = {k: mixlib.bic(x, f.params) for k, f in fits.items()}
    assert min(bics, key=bics.get) == 2
    aics = {k: mixlib.aic(x, f.params) for k, f in fits.items()}
    assert aics[2] < aics[1]


def test_bic_penalty_exceeds_aic_penalty_for_n_above_e_squared():
    p = MixtureParams([1.0], [0.0], [1.0])
    x = np.linspace(-1, 1, 8)  # log 8 > 2
    assert mixlib.bic(x, p) > mixlib.aic(x, p)
