"""Issue 12: extreme inputs get a finite answer or a message that names the real cause."""

import warnings

import numpy as np
import pytest

import mixlib
from mixlib import MixtureParams


@pytest.mark.parametrize("fitter", [mixlib.fit_em, mixlib.fit_direct])
@pytest.mark.parametrize("scale", [1e160, 1e-300])
def test_data_scaled_to_the_ends_of_the_float_range(original, fitter, scale):
    """Before: 'sds: contains 2 infinite values' (1e160) and a wrong 'identical' (1e-300)."""
    _, _, _, x = original
    base = fitter(x)
    fit = fitter(np.asarray(x) * scale)
    np.testing.assert_allclose(fit.params.sds / scale, base.params.sds, rtol=1e-6)
    np.testing.assert_allclose(fit.params.means / scale, base.params.means, rtol=1e-6, atol=1e-9)


def test_an_outlier_at_1e160_gives_a_finite_fit(original):
    _, _, _, x = original
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixlib.fit_em(np.r_[x, 1e160])
    assert np.isfinite(fit.log_likelihood) and np.all(np.isfinite(fit.params.sds))


def test_subnormal_sd_is_refused():
    with pytest.raises(ValueError, match=r"^sds: must all be >= 2.23e-308"):
        MixtureParams([1.0], [0.0], [1e-310])


def test_logpdf_far_beyond_the_float_range_is_minus_inf_not_nan(original):
    truth = original[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = mixlib.logpdf([1e200, 0.0], truth)
    assert out[0] == -np.inf and np.isfinite(out[1])


def test_negloglik_with_a_log_sd_beyond_the_float_range_says_so():
    with pytest.raises(ValueError, match=r"^theta: log sds must lie in \[-708.4, 709.8\]"):
        mixlib.negloglik([0, 0, -745, 0, 0], [0.5, 1.0])


def test_pdf_and_logpdf_accept_scalars(original):
    truth = original[0]
    assert isinstance(mixlib.pdf(0.5, truth), float)
    assert mixlib.pdf(0.5, truth) == pytest.approx(mixlib.pdf([0.5], truth)[0], rel=1e-15)
    assert mixlib.logpdf(np.float64(0.5), truth) == pytest.approx(
        mixlib.logpdf([0.5], truth)[0], rel=1e-15)


@pytest.mark.parametrize("call", [
    lambda x: mixlib.fit_em(x), lambda x: mixlib.fit_direct(x), lambda x: mixlib.choose_k(x, [1]),
    lambda x: mixlib.logpdf(x, MixtureParams([1.0], [0.0], [1.0])),
])
def test_masked_arrays_are_refused(original, call):
    """Before: the mask was ignored and a masked 1e6 outlier got its own component."""
    _, _, _, x = original
    y = np.ma.masked_array(np.r_[x, 1e6], mask=np.r_[np.zeros(x.size, bool), True])
    with pytest.raises(TypeError, match=r"^x: masked arrays are not supported.*compressed"):
        call(y)
