"""fit_em's fused pass (mixlib._em_pass): the same iterates as the plain E-step and M-step.

``_run_em`` iterates ``em_pass`` (E-step, log-likelihood and the M-step's sums in one pass over
chunks of the data, logs of products of blocks) on one of two paths: the moments path (K - 1
exps, Horner quadratics, raw moments, the reference component's by subtraction) where its
closed-form checks allow, the general path otherwise (K exps, or K - 1 where a reference bounds
the others). Every agreement test runs on both paths: ``path`` forces one. The reference below
is the loop ``_run_em`` ran before: ``_e_step`` (density.normalise_rows_in_place over all N) and
``_m_step`` (BLAS dots over all N, scatter about the new means). Parameters after every iteration
and the log-likelihood history must agree to 1e-12 (relative; absolute for numbers below 1, the
data being standardised).
"""

import numpy as np
import pytest

import mixlib
from mixlib import MixtureParams
from mixlib import _em_pass
from mixlib._scaling import Scaling
from mixlib.em import _e_step, _m_step, _run_em, _Workspace
from mixlib.priors import ConjugatePrior

RTOL = 1e-12


def reference_run(x_std, start, n_iter, floor, equal_sds=False, prior=None):
    """The E-step / M-step loop over whole arrays: (params after each iteration, history)."""
    ws = _Workspace(start.k, x_std.size)
    weights, means, sds = start.weights, start.means, start.sds
    resp, loglik = _e_step(x_std, weights, means, sds, ws)
    history, iterates = [loglik], []
    for _ in range(n_iter):
        weights, means, sds = _m_step(x_std, resp, floor, scratch=ws.work[1],
                                      equal_sds=equal_sds, prior=prior)
        resp, loglik = _e_step(x_std, weights, means, sds, ws)
        history.append(loglik)
        iterates.append((weights, means, sds))
    return iterates, np.array(history)


def fused_run(x_std, start, n_iter, floor, equal_sds=False, prior=None):
    iterates = []

    def report(iteration, weights, means, sds, loglik):
        iterates.append((weights, means, sds))

    _, history, done, _, _ = _run_em(x_std, start, 1e-300, n_iter, floor, report, equal_sds, prior)
    return iterates, history


def max_differences(x, start, n_iter=15, min_sd=None, equal_sds=False, prior=None):
    """Largest relative differences (history, parameters) over ``n_iter`` iterations."""
    scaling = Scaling.of(x)
    x_std = scaling.standardise(x)
    start_std = scaling.params_to_std(start)
    floor = scaling.min_sd_std(min_sd)
    prior_std = None if prior is None else prior.standardised(scaling.centre, scaling.scale)
    ref, ref_history = reference_run(x_std, start_std, n_iter, floor, equal_sds, prior_std)
    new, new_history = fused_run(x_std, start_std, n_iter, floor, equal_sds, prior_std)
    # the fused loop stops early only when the log-likelihood no longer changes at all
    assert 0 < len(new) <= len(ref)
    assert len(new) == len(ref) or new_history[-1] == new_history[-2]
    m = len(new_history)
    d_history = np.max(np.abs(new_history - ref_history[:m]) / np.abs(ref_history[:m]))
    d_params = max(
        float(np.max(np.abs(u - v) / np.maximum(1.0, np.abs(u))))
        for a, b in zip(ref, new) for u, v in zip(a, b))
    return d_history, d_params, ref, new


TRUTH, _, P0 = mixlib.datasets.original_example()


@pytest.fixture(params=["moments", "general"])
def path(request, monkeypatch):
    """Which pass ``_run_em`` takes: the moments path where its checks allow (as fit_em does), or
    the general path always (a Horner limit nothing meets)."""
    if request.param == "general":
        monkeypatch.setattr(_em_pass, "HORNER_LIMIT", -1.0)
    return request.param
K3_TRUTH = MixtureParams([0.2, 0.5, 0.3], [-1.0, 0.5, 2.5], [0.3, 0.5, 0.4])
K3_START = MixtureParams([1 / 3] * 3, [-0.5, 0.0, 2.0], [0.5] * 3)
# several chunks, a short last chunk, a length that is no multiple of the dot span or the log block
N_CHUNKED = 2 * _em_pass.CHUNK + _em_pass.DOT_SPAN + 123

STARTS = {
    1: MixtureParams([1.0], [0.3], [2.0]),
    2: P0,
    3: K3_START,
    5: MixtureParams([0.2] * 5, [-1.5, -0.5, 0.5, 1.5, 2.5], [0.3] * 5),
}


@pytest.fixture(scope="module")
def k3_data():
    return mixlib.sample(K3_TRUTH, N_CHUNKED, rng=3)


@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("equal_sds", [False, True])
def test_fused_iterates_match_the_plain_e_and_m_steps(path, k3_data, k, equal_sds):
    x = mixlib.sample(TRUTH, N_CHUNKED, rng=2) if k == 2 else k3_data
    d_history, d_params, _, _ = max_differences(x, STARTS[k], equal_sds=equal_sds)
    assert d_history < RTOL and d_params < RTOL, (d_history, d_params)


@pytest.mark.parametrize("k", [2, 3])
def test_fused_iterates_match_on_the_notebook_sample(path, data, k):
    """The original example's 1000-point sample (notebooks 03 and 04): one short chunk."""
    x, p0 = data
    start = p0 if k == 2 else MixtureParams([0.3, 0.3, 0.4], [-0.1, 0.3, 0.7], [0.1, 0.1, 0.1])
    d_history, d_params, _, _ = max_differences(x, start, n_iter=40)
    assert d_history < RTOL and d_params < RTOL, (d_history, d_params)


def test_fused_iterates_match_with_a_prior(path, k3_data):
    prior = ConjugatePrior.default(k3_data, 3)
    for equal_sds in (False, True):
        d_history, d_params, _, _ = max_differences(k3_data, K3_START, prior=prior,
                                                    equal_sds=equal_sds)
        assert d_history < RTOL and d_params < RTOL, (equal_sds, d_history, d_params)


def test_fused_iterates_match_with_the_sd_floor_active(path):
    """A component started on a tight cluster of 5 points collapses onto the min_sd floor."""
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.normal(0.0, 1.0, N_CHUNKED), 3.0 + 1e-7 * rng.normal(size=5)])
    start = MixtureParams([0.99, 0.01], [0.0, 3.0], [1.0, 1e-5])
    d_history, d_params, ref, _ = max_differences(x, start, min_sd=1e-4)
    assert d_history < RTOL and d_params < RTOL, (d_history, d_params)
    assert ref[-1][2][1] == pytest.approx(1e-4 / Scaling.of(x).scale, rel=1e-12), "floor binds"


def test_fused_iterates_match_on_points_far_in_the_tails(path):
    """Points 1e3 to 1e5 sds out and a component with a tiny sd sitting on them (weight in the
    data's tail): log terms near -1e10, where a product of raw densities would underflow. The
    shift by each point's largest term keeps every normaliser in [1, K]."""
    rng = np.random.default_rng(5)
    bulk = rng.normal(0.0, 1.0, N_CHUNKED)
    tail = np.array([1e3, 1e3 + 1e-3, 2e4, -5e4, 1e5])
    x = np.concatenate([bulk, tail])
    start = MixtureParams([0.5, 0.3, 0.2], [0.0, 1e3, 2e4], [1.0, 1e-3, 10.0])
    d_history, d_params, ref, new = max_differences(x, start, n_iter=10, min_sd=1e-5)
    assert d_history < RTOL and d_params < RTOL, (d_history, d_params)
    assert all(np.all(np.isfinite(v)) for p in new for v in p)
    for k in (2, 5):
        start_k = STARTS[k] if k == 5 else MixtureParams([0.9, 0.1], [0.0, 2e4], [1.0, 1e-2])
        d_history, d_params, _, _ = max_differences(x, start_k, n_iter=10)
        assert d_history < RTOL and d_params < RTOL, (k, d_history, d_params)


def test_a_start_far_off_takes_the_extra_pass_and_stays_exact(path, monkeypatch):
    """Means that move by many sds in one step: the scatter about the old means would lose digits,
    so the pass is repeated about the new means (and a dead component, mass below the guard)."""
    centred_passes = []
    real_pass = _em_pass.em_pass

    def counting_pass(*args, centres=None):
        centred_passes.append(centres is not None)
        return real_pass(*args, centres=centres)

    monkeypatch.setattr(mixlib.em, "em_pass", counting_pass)
    x = mixlib.sample(TRUTH, N_CHUNKED, rng=6)
    start = MixtureParams([0.3, 0.3, 0.4], [-5.0, 0.0, 60.0], [0.01, 0.05, 0.01])
    d_history, d_params, _, _ = max_differences(x, start, n_iter=10)
    assert d_history < RTOL and d_params < RTOL, (d_history, d_params)
    assert any(centred_passes)


def test_log_of_products_is_the_sum_of_logs():
    rng = np.random.default_rng(7)
    for n in (1, 7, 8, 9, 1000, 8 * 4096 + 5):
        values = rng.uniform(1 / 5, 1.0, n)
        expected = float(np.sum(np.log(values)))
        got = _em_pass._log_of_products(values.copy(), np.empty(n // _em_pass.LOG_BLOCK))
        assert got == pytest.approx(expected, rel=1e-13, abs=1e-13)


def test_row_dots_are_the_dot_products():
    rng = np.random.default_rng(8)
    for c in (5, _em_pass.DOT_SPAN, 3 * _em_pass.DOT_SPAN + 17):
        rows, other = rng.random((3, c)), rng.random((3, c))
        np.testing.assert_allclose(_em_pass._row_dots(rows, other[0]), rows @ other[0], rtol=1e-13)
        np.testing.assert_allclose(_em_pass._row_dots(rows, other),
                                   np.einsum("kc,kc->k", rows, other), rtol=1e-13)


def test_fit_em_results_do_not_depend_on_the_chunk_size(path, monkeypatch):
    x = mixlib.sample(K3_TRUTH, 20_000, rng=9)
    fits = []
    for chunk in (_em_pass.CHUNK, 1000, 999):
        monkeypatch.setattr(_em_pass, "CHUNK", chunk)
        fits.append(mixlib.fit_em(x, K3_START))
    for fit in fits[1:]:
        assert fit.n_iter == fits[0].n_iter
        np.testing.assert_allclose(fit.history, fits[0].history, rtol=RTOL)
        for u, v in zip(fit.params.to_vector(), fits[0].params.to_vector()):
            assert u == pytest.approx(v, rel=RTOL, abs=RTOL)


def test_gap_bound_bounds_every_log_term_difference_over_the_range():
    """``_gap_bound`` is an upper bound of a_j(x) - a_r(x) on the data's range, and a tight one
    (within its margin of 1 plus the grid's resolution), for random components."""
    rng = np.random.default_rng(10)
    for _ in range(200):
        k = int(rng.integers(3, 6))
        means = rng.normal(0.0, 2.0, k)
        sds = np.exp(rng.normal(-1.0, 1.0, k))
        if rng.random() < 0.3:
            sds[:] = sds[0]                      # equal sds: the differences are linear in x
        weights = rng.dirichlet(np.ones(k))
        scale = np.sqrt(0.5) / sds
        const = np.log(weights) - np.log(sds)
        lo, hi = np.sort(rng.normal(0.0, 3.0, 2))
        grid = np.linspace(lo, hi, 20001)
        terms = const[:, None] - (scale[:, None] * (grid - means[:, None])) ** 2
        for r in range(k):
            exact = np.max(np.delete(terms, r, axis=0) - terms[r])
            bound = _em_pass._gap_bound(const.tolist(), means.tolist(), scale.tolist(), (lo, hi), r)
            assert exact <= bound <= exact + 1.0 + 1e-3 * max(1.0, abs(exact)), (exact, bound)


@pytest.mark.filterwarnings("ignore::mixlib.ConvergenceWarning")   # max_iter: a few passes do
def test_k3_takes_one_exp_fewer_where_the_bound_allows(monkeypatch, k3_data):
    """On the general path (the moments path switched off), the reference shift (K - 1 exps) is
    taken for the K = 3 benchmark case, and the K-exp path where a narrow component far in the
    tail makes the bound too large; the iterates of both are checked against the plain steps above."""
    monkeypatch.setattr(_em_pass, "HORNER_LIMIT", -1.0)
    chosen = []
    real = _em_pass._reference_component

    def recording(*args):
        chosen.append(real(*args))
        return chosen[-1]

    monkeypatch.setattr(_em_pass, "_reference_component", recording)
    mixlib.fit_em(k3_data, K3_START, max_iter=5)
    assert chosen and all(r is not None for r in chosen)
    chosen.clear()
    x = np.concatenate([k3_data, [1e3, 2e4]])
    mixlib.fit_em(k3_data[:_em_pass.REFERENCE_MIN_POINTS - 1], K3_START, max_iter=3)
    assert chosen == [], "a small data set takes the general path (finding r costs more)"
    with pytest.warns(mixlib.DegenerateFitWarning):   # two components on one point each
        mixlib.fit_em(x, MixtureParams([0.5, 0.3, 0.2], [0.0, 1e3, 2e4], [1.0, 1e-3, 10.0]),
                      max_iter=3)
    assert chosen and all(r is None for r in chosen)


def _paths_taken(monkeypatch):
    """Record, for every em_pass call, whether it returned from the moments path."""
    taken = []
    real = _em_pass.em_pass

    def recording(*args, **kwargs):
        out = real(*args, **kwargs)
        taken.append("moments" if out[4] is not None else "general")
        return out

    monkeypatch.setattr(mixlib.em, "em_pass", recording)
    return taken


@pytest.mark.parametrize("k", [2, 3])
def test_the_benchmark_cases_take_the_moments_path_in_every_pass(monkeypatch, k3_data, k):
    """The fits benchmarks/bench_em.py times (the original example, three components) take the
    moments path in every pass, with no second pass for the scatter about the new means."""
    taken = _paths_taken(monkeypatch)
    x = mixlib.sample(TRUTH, N_CHUNKED, rng=2) if k == 2 else k3_data
    fit = mixlib.fit_em(x, STARTS[k])
    assert fit.converged and taken == ["moments"] * (fit.n_iter + 1), taken


@pytest.mark.filterwarnings("ignore::mixlib.DegenerateFitWarning", "ignore::mixlib.ConvergenceWarning")
def test_the_general_path_takes_over_where_the_moments_path_would_lose_digits(monkeypatch):
    """Far points under a narrow component (Horner's rule and the subtraction from the totals
    would lose digits), and small data (the checks cost more than they save): the general path."""
    taken = _paths_taken(monkeypatch)
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.normal(0.0, 1.0, N_CHUNKED), [1e3, 1e3 + 1e-3, 2e4, -5e4, 1e5]])
    mixlib.fit_em(x, MixtureParams([0.5, 0.3, 0.2], [0.0, 1e3, 2e4], [1.0, 1e-3, 10.0]), max_iter=3)
    assert taken and set(taken) == {"general"}, taken
    taken.clear()
    mixlib.fit_em(x[:_em_pass.REFERENCE_MIN_POINTS - 1], P0, max_iter=3)
    assert taken and set(taken) == {"general"}, taken


def test_scatter_from_moments_refuses_a_subtraction_that_loses_digits():
    """A component 1e4 of its sds from the centre: its raw second moment is 1e8 times its scatter."""
    mass = np.array([100.0, 50.0])
    first = np.array([0.0, 50.0 * 1e4])
    second = np.array([100.0, 50.0 * (1e8 + 1.0)])
    reference = (0, 150.0, 50.0 * 1e4, 100.0 + 50.0 * (1e8 + 1.0))
    assert _em_pass.scatter_from_moments(mass, first, second, np.array([0.0, 1e4]), reference) is None
    near = (0, 150.0, 50.0, 100.0 + 50.0 * 2.0)
    got = _em_pass.scatter_from_moments(mass, np.array([0.0, 50.0]), np.array([100.0, 100.0]),
                                        np.array([0.0, 1.0]), near)
    np.testing.assert_allclose(got, [100.0, 50.0])
