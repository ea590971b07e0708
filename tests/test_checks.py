"""Bad input, for every public function it applies to: a ValueError or TypeError whose message
names the argument and the problem. Tables of (function, call) rather than copies."""

import numpy as np
import pytest

import mixlib
from mixlib import MixtureParams

P0 = MixtureParams.from_vector([-0.2, 0.2, 0.8, 0.2, 0.5])
P3 = MixtureParams([0.2, 0.3, 0.5], [-1.0, 0.0, 1.0], [0.5, 0.5, 0.5])
THETA0 = mixlib.to_unconstrained(P0)
GOOD_X = mixlib.sample(mixlib.datasets.original_example()[0], 60, rng=0)

# Every public function that takes data, called with data ``x`` and otherwise good arguments.
DATA_CALLS = {
    "pdf": lambda x: mixlib.pdf(x, P0),
    "logpdf": lambda x: mixlib.logpdf(x, P0),
    "log_likelihood": lambda x: mixlib.log_likelihood(x, P0),
    "responsibilities": lambda x: mixlib.responsibilities(x, P0),
    "em_step": lambda x: mixlib.em_step(x, P0),
    "fit_em(init)": lambda x: mixlib.fit_em(x, P0),
    "fit_em(k)": lambda x: mixlib.fit_em(x, k=2),
    "fit_direct(init)": lambda x: mixlib.fit_direct(x, P0),
    "fit_direct(k)": lambda x: mixlib.fit_direct(x, k=2),
    "fit_direct(Nelder-Mead)": lambda x: mixlib.fit_direct(x, P0, method="Nelder-Mead"),
    "negloglik": lambda x: mixlib.negloglik(THETA0, x),
    "negloglik_grad": lambda x: mixlib.negloglik_grad(THETA0, x),
    "standard_errors": lambda x: mixlib.standard_errors(x, P0),
    "aic": lambda x: mixlib.aic(x, P0),
    "bic": lambda x: mixlib.bic(x, P0),
}

# (id, data, exception, message): the message must start with the argument's name.
BAD_DATA = [
    ("empty list", [], ValueError, r"^x: is empty"),
    ("empty array", np.array([]), ValueError, r"^x: is empty"),
    ("NaN", [0.1, np.nan, 0.3, 0.5], ValueError, r"^x: contains 1 NaN value"),
    ("two NaN", np.array([np.nan, 0.1, np.nan]), ValueError, r"^x: contains 2 NaN values"),
    ("inf", [0.1, np.inf, 0.2, 0.5], ValueError, r"^x: contains 1 infinite value"),
    ("-inf", [-np.inf, 0.1, 0.2, 0.5], ValueError, r"^x: contains 1 infinite value"),
    ("2-D", np.ones((10, 2)), ValueError, r"^x: expected 1-D data, got an array of shape \(10, 2\)"),
    ("column", np.ones((10, 1)), ValueError, r"^x: expected 1-D data"),
    ("scalar", 0.5, ValueError, r"^x: expected 1-D data, got an array of shape \(\)"),
    ("string", "0.1 0.2", TypeError, r"^x: expected a 1-D array-like of real numbers, got a string"),
    ("bytes", b"0.1", TypeError, r"^x: expected a 1-D array-like of real numbers"),
    ("strings", ["0.1", "0.2", "0.3"], TypeError, r"^x: expected real numbers"),
    ("mixed", [0.1, "a", 0.3], TypeError, r"^x: expected real numbers"),
    ("objects", [object(), object(), object()], TypeError, r"^x: expected real numbers, got dtype object"),
    ("object array", np.array([0.1, 0.2, 0.3], dtype=object), TypeError, r"^x: expected real numbers"),
    ("None", None, TypeError, r"^x: expected real numbers"),
    ("dict", {"a": 1.0}, TypeError, r"^x: expected real numbers"),
    ("complex", np.array([0.1 + 1j, 0.2, 0.3]), TypeError, r"^x: expected real numbers, got complex"),
    ("complex list", [1j, 2j, 3j], TypeError, r"^x: expected real numbers, got complex"),
    ("ragged", [[0.1], [0.2, 0.3]], TypeError, r"^x: cannot be read as an array of real numbers"),
]


# pdf and logpdf accept a scalar, as scipy.stats does (issue 12): that case is not bad data for them.
BAD_DATA_CASES = [pytest.param(call, *bad[1:], id=f"{bad[0]}-{name}")
                  for bad in BAD_DATA for name, call in DATA_CALLS.items()
                  if not (bad[0] == "scalar" and name in ("pdf", "logpdf"))]


@pytest.mark.parametrize("call, data, exc, match", BAD_DATA_CASES)
def test_bad_data_rejected_everywhere(call, data, exc, match):
    with pytest.raises(exc, match=match):
        call(data)


# Functions whose params' k sets a minimum number of points, called with data and a 3-component
# start: two points are fewer than three components.
FEW_POINT_CALLS = {
    "em_step": lambda x: mixlib.em_step(x, P3),
    "fit_em(init)": lambda x: mixlib.fit_em(x, P3),
    "fit_em(k)": lambda x: mixlib.fit_em(x, k=3),
    "fit_direct(init)": lambda x: mixlib.fit_direct(x, P3),
    "fit_direct(k)": lambda x: mixlib.fit_direct(x, k=3),
    "standard_errors": lambda x: mixlib.standard_errors(x, P3),
}


@pytest.mark.parametrize("call", FEW_POINT_CALLS.values(), ids=FEW_POINT_CALLS.keys())
def test_fewer_points_than_components(call):
    with pytest.raises(ValueError, match=r"^x: has 2 points, fewer than the 3 components"):
        call([0.1, 0.7])


IDENTICAL_CALLS = {
    "em_step": lambda x: mixlib.em_step(x, P0),
    "fit_em": lambda x: mixlib.fit_em(x, P0),
    "fit_direct": lambda x: mixlib.fit_direct(x, P0),
    "standard_errors": lambda x: mixlib.standard_errors(x, P0),
}


@pytest.mark.parametrize("call", IDENTICAL_CALLS.values(), ids=IDENTICAL_CALLS.keys())
def test_identical_values_have_no_spread_to_fit(call):
    with pytest.raises(ValueError, match=r"^x: all values are identical"):
        call([0.3, 0.3, 0.3, 0.3])


def test_em_step_on_identical_values_with_an_explicit_floor():
    p = mixlib.em_step([0.3] * 4, P0, min_sd=0.01)
    np.testing.assert_allclose(p.means, 0.3)
    np.testing.assert_allclose(p.sds, 0.01)


# Every public function that takes params (or init), called with ``p`` in that place.
PARAMS_CALLS = {
    "pdf": lambda p: mixlib.pdf(GOOD_X, p),
    "logpdf": lambda p: mixlib.logpdf(GOOD_X, p),
    "log_likelihood": lambda p: mixlib.log_likelihood(GOOD_X, p),
    "responsibilities": lambda p: mixlib.responsibilities(GOOD_X, p),
    "em_step": lambda p: mixlib.em_step(GOOD_X, p),
    "sample": lambda p: mixlib.sample(p, 10, rng=0),
    "to_unconstrained": lambda p: mixlib.to_unconstrained(p),
    "standard_errors": lambda p: mixlib.standard_errors(GOOD_X, p),
    "aic": lambda p: mixlib.aic(GOOD_X, p),
    "bic": lambda p: mixlib.bic(GOOD_X, p),
    "n_free_parameters": lambda p: mixlib.n_free_parameters(p),
}
INIT_CALLS = {
    "fit_em": lambda p: mixlib.fit_em(GOOD_X, p),
    "fit_direct": lambda p: mixlib.fit_direct(GOOD_X, p),
}
WRONG_PARAMS = {
    "list": [-0.2, 0.2, 0.8, 0.2, 0.5],
    "tuple": (-0.2, 0.2, 0.8, 0.2, 0.5),
    "array": np.array([-0.2, 0.2, 0.8, 0.2, 0.5]),
    "tuple of arrays": (P0.weights, P0.means, P0.sds),
    "dict": {"weights": [0.5, 0.5], "means": [0, 1], "sds": [1, 1]},
    "string": "p0",
    "number": 0.5,
    "FitResult": mixlib.FitResult(params=P0, log_likelihood=0.0, n_iter=0, converged=True, message=""),
}


@pytest.mark.parametrize("call", PARAMS_CALLS.values(), ids=PARAMS_CALLS.keys())
@pytest.mark.parametrize("wrong", WRONG_PARAMS.values(), ids=WRONG_PARAMS.keys())
def test_params_of_the_wrong_type(call, wrong):
    with pytest.raises(TypeError, match=r"^params: expected a MixtureParams, got"):
        call(wrong)


@pytest.mark.parametrize("call", PARAMS_CALLS.values(), ids=PARAMS_CALLS.keys())
def test_params_none_is_rejected(call):
    with pytest.raises(TypeError, match=r"^params: expected a MixtureParams, got NoneType"):
        call(None)


@pytest.mark.parametrize("call", INIT_CALLS.values(), ids=INIT_CALLS.keys())
@pytest.mark.parametrize("wrong", WRONG_PARAMS.values(), ids=WRONG_PARAMS.keys())
def test_init_of_the_wrong_type(call, wrong):
    with pytest.raises(TypeError, match=r"^init: expected a MixtureParams or None, got"):
        call(wrong)


# MixtureParams itself: (id, weights, means, sds, exception, message)
BAD_PARAMS = [
    ("sd zero", [0.5, 0.5], [0, 1], [1, 0], ValueError, r"^sds: must all be > 0"),
    ("sd negative", [0.5, 0.5], [0, 1], [-1, 1], ValueError, r"^sds: must all be > 0"),
    ("weight negative", [-0.5, 1.5], [0, 1], [1, 1], ValueError, r"^weights: must all be > 0"),
    ("weight zero", [0.0, 1.0], [0, 1], [1, 1], ValueError, r"^weights: must all be > 0"),
    ("weights sum 0.9", [0.4, 0.5], [0, 1], [1, 1], ValueError, r"^weights: must sum to 1, got sum 0.9"),
    ("weights sum 2", [1.0, 1.0], [0, 1], [1, 1], ValueError, r"^weights: must sum to 1"),
    ("means too short", [0.5, 0.5], [0], [1, 1], ValueError, r"^weights, means, sds: must have equal lengths, got 2, 1, 2"),
    ("sds too long", [0.5, 0.5], [0, 1], [1, 1, 1], ValueError, r"must have equal lengths, got 2, 2, 3"),
    ("K=0", [], [], [], ValueError, r"^weights: is empty"),
    ("NaN mean", [0.5, 0.5], [0, np.nan], [1, 1], ValueError, r"^means: contains 1 NaN"),
    ("inf sd", [0.5, 0.5], [0, 1], [1, np.inf], ValueError, r"^sds: contains 1 infinite"),
    ("NaN weight", [np.nan, 0.5], [0, 1], [1, 1], ValueError, r"^weights: contains 1 NaN"),
    ("2-D means", [0.5, 0.5], [[0, 1]], [1, 1], ValueError, r"^means: expected 1-D"),
    ("scalar sds", [1.0], [0.0], 1.0, ValueError, r"^sds: expected 1-D"),
    ("string means", [0.5, 0.5], ["a", "b"], [1, 1], TypeError, r"^means: expected real numbers"),
    ("complex sds", [0.5, 0.5], [0, 1], [1j, 1], TypeError, r"^sds: expected real numbers, got complex"),
    ("None weights", None, [0, 1], [1, 1], TypeError, r"^weights: expected real numbers"),
]


@pytest.mark.parametrize(
    "weights, means, sds, exc, match", [b[1:] for b in BAD_PARAMS], ids=[b[0] for b in BAD_PARAMS]
)
def test_mixture_params_validation(weights, means, sds, exc, match):
    with pytest.raises(exc, match=match):
        MixtureParams(weights, means, sds)


BAD_N = [
    (300.0, TypeError, r"^n: expected an integer, got float 300.0"),  # the original script's bug
    (1000 * 0.3, TypeError, r"^n: expected an integer, got float"),
    (np.float64(10.0), TypeError, r"^n: expected an integer"),
    (2.5, TypeError, r"^n: expected an integer"),
    ("10", TypeError, r"^n: expected an integer, got str"),
    (None, TypeError, r"^n: expected an integer, got NoneType"),
    (True, TypeError, r"^n: expected an integer, got bool"),
    (-1, ValueError, r"^n: must be >= 1, got -1"),
    (0, ValueError, r"^n: must be >= 1, got 0"),
]


@pytest.mark.parametrize("n, exc, match", BAD_N, ids=[repr(b[0]) for b in BAD_N])
def test_sample_rejects_bad_n(n, exc, match):
    with pytest.raises(exc, match=match):
        mixlib.sample(P0, n, rng=0)


def test_sample_accepts_numpy_integers():
    assert mixlib.sample(P0, np.int64(7), rng=0).shape == (7,)


# Keyword arguments of the fitters: (function id, keyword, value, exception, message)
FITTERS = {"fit_em": mixlib.fit_em, "fit_direct": mixlib.fit_direct}
BAD_OPTIONS = [
    # tol <= 0 (fit_direct passes tol to minimize, but still only a positive one)
    *[(f, "tol", v, ValueError, r"^tol: must be a finite number > 0") for f in FITTERS
      for v in (0, 0.0, -1e-8, np.nan, np.inf)],
    *[(f, "tol", "1e-8", TypeError, r"^tol: expected a positive number") for f in FITTERS],
    ("fit_em", "tol", None, TypeError, r"^tol: expected a positive number"),
    # max_iter < 1 or not an integer
    ("fit_em", "max_iter", 0, ValueError, r"^max_iter: must be >= 1, got 0"),
    ("fit_em", "max_iter", -5, ValueError, r"^max_iter: must be >= 1"),
    ("fit_em", "max_iter", 10.0, TypeError, r"^max_iter: expected an integer, got float"),
    ("fit_em", "max_iter", None, TypeError, r"^max_iter: expected an integer"),
    # K = 0, negative or non-integer
    *[(f, "k", 0, ValueError, r"^k: must be >= 1, got 0") for f in FITTERS],
    *[(f, "k", -2, ValueError, r"^k: must be >= 1") for f in FITTERS],
    *[(f, "k", 2.0, TypeError, r"^k: expected an integer, got float") for f in FITTERS],
    *[(f, "k", True, TypeError, r"^k: expected an integer, got bool") for f in FITTERS],
    *[(f, "k", "2", TypeError, r"^k: expected an integer") for f in FITTERS],
    # n_init
    *[(f, "n_init", 0, ValueError, r"^n_init: must be >= 1") for f in FITTERS],
    *[(f, "n_init", 2.0, TypeError, r"^n_init: expected an integer") for f in FITTERS],
    # min_sd
    *[(f, "min_sd", v, ValueError, r"^min_sd: must be a finite number > 0") for f in FITTERS
      for v in (0.0, -0.1, np.nan, np.inf)],
    *[(f, "min_sd", "0.1", TypeError, r"^min_sd: expected a positive number") for f in FITTERS],
    # callback and rng
    *[(f, "callback", 3, TypeError, r"^callback: expected a callable or None, got int") for f in FITTERS],
    *[(f, "rng", "seed", TypeError, r"^rng: expected None, an integer seed") for f in FITTERS],
    *[(f, "rng", 1.5, TypeError, r"^rng: expected None, an integer seed") for f in FITTERS],
    *[(f, "rng", -1, ValueError, r"^rng: a seed must be >= 0") for f in FITTERS],
    ("fit_direct", "method", 3, TypeError, r"^method: expected a minimize method name"),
]


@pytest.mark.parametrize(
    "fitter, keyword, value, exc, match", BAD_OPTIONS,
    ids=[f"{b[0]}-{b[1]}={b[2]!r}" for b in BAD_OPTIONS],
)
def test_fitters_reject_bad_options(fitter, keyword, value, exc, match):
    with pytest.raises(exc, match=match):
        FITTERS[fitter](GOOD_X, **{keyword: value})


@pytest.mark.parametrize("value", [0.0, -1.0, np.nan, "a"])
def test_em_step_rejects_bad_min_sd(value):
    with pytest.raises((ValueError, TypeError), match=r"^min_sd: "):
        mixlib.em_step(GOOD_X, P0, min_sd=value)


@pytest.mark.parametrize("rng, exc", [("seed", TypeError), (1.5, TypeError), (-3, ValueError)])
def test_sample_rejects_bad_rng(rng, exc):
    with pytest.raises(exc, match=r"^rng: "):
        mixlib.sample(P0, 5, rng=rng)


# theta for the unconstrained functions: (id, theta, exception, message)
THETA_CALLS = {
    "from_unconstrained": lambda t: mixlib.from_unconstrained(t),
    "negloglik": lambda t: mixlib.negloglik(t, GOOD_X),
    "negloglik_grad": lambda t: mixlib.negloglik_grad(t, GOOD_X),
}
BAD_THETA = [
    ("length 4", [0.0, 1.0, 0.0, 0.0], ValueError, r"^theta: expected length 3K-1.*got length 4"),
    ("length 6", np.zeros(6), ValueError, r"^theta: expected length 3K-1"),
    ("empty", [], ValueError, r"^theta: is empty"),
    ("NaN", [0.0, 1.0, np.nan, 0.0, 0.0], ValueError, r"^theta: contains 1 NaN"),
    ("inf", [0.0, 1.0, 0.0, np.inf, 0.0], ValueError, r"^theta: contains 1 infinite"),
    ("2-D", np.zeros((5, 1)), ValueError, r"^theta: expected 1-D"),
    ("strings", ["0"] * 5, TypeError, r"^theta: expected real numbers"),
    ("params", P0, TypeError, r"^theta: expected real numbers"),
]


@pytest.mark.parametrize("call", THETA_CALLS.values(), ids=THETA_CALLS.keys())
@pytest.mark.parametrize("theta, exc, match", [b[1:] for b in BAD_THETA], ids=[b[0] for b in BAD_THETA])
def test_bad_theta(call, theta, exc, match):
    with pytest.raises(exc, match=match):
        call(theta)


def test_from_unconstrained_rejects_log_sds_that_overflow():
    with pytest.raises(ValueError, match=r"^theta: log sds"):
        mixlib.from_unconstrained([0.0, 1.0, 0.0, 800.0, 0.0])
    with pytest.raises(ValueError, match=r"^theta: log sds"):
        mixlib.from_unconstrained([0.0, 1.0, 0.0, -800.0, 0.0])
