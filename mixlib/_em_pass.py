"""The pass over the data that ``fit_em`` repeats: E-step, log-likelihood and M-step sums fused.

One call walks the data in chunks of ``CHUNK`` points. For each chunk it computes the log terms,
the responsibilities and the chunk's share of the log-likelihood, then adds the chunk's share of
the sums the M-step needs (``sum r``, ``sum r x``, ``sum r (x - c)^2``) while the chunk is still in
cache: the K x N responsibilities are never written to memory and read back.

The transcendental work per point, the cost that dominates on a CPU whose ``exp`` is slow (an
``exp`` costs some 20 times an add with AVX2 numpy, 4 times with AVX-512's), is cut below the plain
log-sum-exp's K ``exp`` and one ``log``, and on a CPU whose ``exp`` is fast the count of array
operations is what matters; two paths:

* **The moments path** (``_moments_pass``), for data of ``REFERENCE_MIN_POINTS`` or more whose
  parameters pass the closed-form checks of ``_moment_plan``: K - 1 ``exp`` and about 4K + 6
  array operations per point. The log terms are shifted by one reference component's term ``a_r``
  (``exp(a_r - a_r) = 1`` costs nothing); each other ``t_j = a_j - a_r`` is a quadratic in x,
  evaluated by Horner's rule from three coefficients. The M-step needs only the raw moments
  ``sum r_jk x^p`` (p = 0, 1, 2) of the K - 1 other components, and the reference component's are
  the data's totals (summed in the first pass over a data array) minus theirs; the scatter about any centre
  follows from the raw moments, so a mean that moved far costs no second pass. Each of these
  shortcuts loses digits when numbers of very different sizes meet (a narrow component far from
  the data's centre, a reference that owns few points): ``_moment_plan`` refuses the path when the
  shift or Horner's rule would (closed-form bounds over the data's range), and the pass refuses its
  own result when a subtraction lost more than ``MOMENT_DIGITS`` (the general path then runs). What
  it returns agrees with the general path's to about 1e-13 (tests/test_em_fused.py).
* **The general path** otherwise: the log terms themselves, shifted by each point's largest (K
  ``exp``), or by a reference component's (K - 1) where ``_reference_component`` bounds the others.

The ``log`` of each point's normaliser is taken for blocks of ``LOG_BLOCK`` points at once, as the
log of a product. The shift by the largest term puts every reciprocal normaliser in
``[1/K, 1]``, so a product of ``LOG_BLOCK`` of them lies in ``[K**-LOG_BLOCK, 1]``: it can neither
underflow nor overflow (for any K below 1e38), and its rounding error is a few ulps. Shifted by a
reference term, each lies in ``[1 / (1 + (K - 1) e**B), 1]`` with B the bound, and a product of
8 stays far above the smallest normal double while ``B <= REFERENCE_BOUND``.

On the general path the arithmetic of the responsibilities per point is that of
``density.normalise_rows_in_place``; only the order of summation differs.
"""

from __future__ import annotations

import math

import numpy as np

from .density import LOG_SQRT_2PI

# 32768 points a chunk: the per-call cost of numpy (a few microseconds) is spread thinly, and the
# K x CHUNK buffers stay in the cache. The dot products run in spans of 8192 numbers because
# OpenBLAS computes a dot of at most 10000 numbers on one thread; longer ones wake its threads on
# every call, which stalls for milliseconds on a loaded machine (seen at 16384: 5-10x slower).
CHUNK = 32768
DOT_SPAN = 8192
LOG_BLOCK = 8  # a power of two
# Largest a_j - a_r (over the data's range) for which the reference shift is used: exp(60) is far
# from overflow, and a product of LOG_BLOCK = 8 normalisers >= (1 + (K - 1) e^60)^-8 from
# underflow for any K below 1e30.
REFERENCE_BOUND = 60.0
# Below this many points the exps saved (a few ns each) do not pay for finding the reference
# (some 20 microseconds a pass): small data sets take the general path, as before.
REFERENCE_MIN_POINTS = 8192
# The moments path's limits. Horner's rule evaluates t_j = alpha x^2 + beta x + gamma with an
# absolute error of about eps * (|alpha| x^2 + |beta x| + |gamma|): at most HORNER_LIMIT (1e3)
# over the data's range keeps it under 3e-13. A subtraction whose terms are MOMENT_DIGITS (256)
# times its result loses fewer than 2.5 of 16 digits.
HORNER_LIMIT = 1e3
MOMENT_DIGITS = 256.0


class PassBuffers:
    """Chunk-sized buffers one EM run reuses."""

    def __init__(self, k, n):
        c = max(1, min(CHUNK, n))
        self.logs = np.empty((k, c))     # log terms, then responsibilities
        self.squares = np.empty((k, c))  # ((x - mean) / (sqrt(2) sd))^2, or (x - centre)^2
        self.shift = np.empty(c)         # the largest log term of each point
        self.total = np.empty(c)         # 1 / sum_k exp(log term - shift)
        self.blocks = np.empty(c // LOG_BLOCK)
        self.range_of = None             # the data array whose (min, max) ``x_range`` holds
        self.x_range = None
        self.totals_of = None            # the data array whose ``totals`` hold
        self.totals = None               # (n, sum x, a bound on sum |x|, sum x^2)

    def data_range(self, x):
        """(min, max) of ``x``, computed once per data array."""
        if self.range_of is not x:
            self.x_range = (float(x.min()), float(x.max()))
            self.range_of = x
        return self.x_range



def _log_of_products(values, blocks):
    """``sum(log(values))`` with one ``log`` per ``LOG_BLOCK`` values (a power of two; overwrites
    ``values``): the product of the two halves, then of the halves of that, and so on (contiguous
    halves: a strided product costs more than the logs it saves)."""
    h = values.size // LOG_BLOCK
    span = h * LOG_BLOCK
    while span > h:
        span //= 2
        np.multiply(values[:span], values[span:2 * span], out=values[:span])
    out = np.log(values[:h], out=blocks[:h])
    return float(out.sum()) + float(np.log(values[LOG_BLOCK * h:]).sum())


def _responsibilities_general(logs, buf, c):
    """Any K: responsibilities in place of the log terms; returns the chunk's log-likelihood."""
    shift, recip = buf.shift[:c], buf.total[:c]
    k = logs.shape[0]
    if k == 1:
        loglik = float(logs[0].sum())
        logs.fill(1.0)
        return loglik
    np.maximum(logs[0], logs[1], out=shift)
    for row in logs[2:]:
        np.maximum(shift, row, out=shift)
    logs -= shift
    np.exp(logs, out=logs)
    np.add(logs[0], logs[1], out=recip)
    for row in logs[2:]:
        recip += row
    np.reciprocal(recip, out=recip)
    logs *= recip
    return float(shift.sum()) - _log_of_products(recip, buf.blocks)


def _gap_bound(const, means, scale, x_range, r):
    """An upper bound of ``max_j a_j(x) - a_r(x)`` over ``j != r`` and x in ``x_range``.

    ``a_j(x) - a_r(x) = const_j - const_r - (s_j (x - mu_j))^2 + (s_r (x - mu_r))^2`` is a quadratic
    in x: its largest value on [lo, hi] is at an end or at the vertex, all three evaluated here
    (one extra point is harmless when the quadratic is convex). The margin of 1 covers the
    rounding of log terms up to 1e15 in size. Plain floats: K is small, and numpy's per-call cost
    on arrays of K numbers would outweigh the exps saved on a small data set."""
    lo, hi = x_range
    c_r, m_r, s_r = const[r], means[r], scale[r]
    worst = -math.inf
    for j, (c_j, m_j, s_j) in enumerate(zip(const, means, scale)):
        if j == r:
            continue
        points = [lo, hi]
        curvature = s_r * s_r - s_j * s_j
        if curvature != 0:
            vertex = (s_r * s_r * m_r - s_j * s_j * m_j) / curvature
            points.append(min(max(vertex, lo), hi))
        for x in points:
            u, v = s_j * (x - m_j), s_r * (x - m_r)
            gap = (c_j - c_r) - u * u + v * v
            if gap != gap:     # inf - inf: no bound worth the name
                return math.inf
            worst = max(worst, gap)
    return worst + 1.0


def _reference_component(const, means, scale, x_range):
    """The component r with the smallest ``_gap_bound``, or None when that bound exceeds
    ``REFERENCE_BOUND`` (then no shift by one component's term is safe over the whole range)."""
    const, means, scale = const.tolist(), means.tolist(), scale.tolist()
    bounds = [_gap_bound(const, means, scale, x_range, r) for r in range(len(means))]
    best = min(range(len(bounds)), key=bounds.__getitem__)
    return best if bounds[best] <= REFERENCE_BOUND else None


def _responsibilities_reference(logs, buf, c, r):
    """K >= 3: responsibilities in place of the log terms, shifted by row ``r`` (which
    ``_reference_component`` chose); returns the chunk's log-likelihood. K - 1 exps per point."""
    recip = buf.total[:c]
    base = logs[r]
    others = [row for j, row in enumerate(logs) if j != r]
    for row in others:
        row -= base
        np.exp(row, out=row)
    np.add(others[0], 1.0, out=recip)
    for row in others[1:]:
        recip += row
    np.reciprocal(recip, out=recip)
    loglik = float(base.sum())
    for row in others:
        row *= recip
    base[...] = recip
    return loglik - _log_of_products(recip, buf.blocks)


def _row_dots(rows, other):
    """``sum(rows * other, axis=-1)`` for K x c ``rows`` and a length-c or K x c ``other``, as
    BLAS dots of at most ``DOT_SPAN`` numbers (each on one thread)."""
    k, c = rows.shape
    whole = c - c % DOT_SPAN
    out = np.vecdot(rows[:, whole:], other[..., whole:])
    if whole:
        spans = rows[:, :whole].reshape(k, whole // DOT_SPAN, DOT_SPAN)
        other_spans = other[..., :whole].reshape(other.shape[:-1] + (whole // DOT_SPAN, DOT_SPAN))
        out += np.vecdot(spans, other_spans).sum(axis=1)
    return out


def _moment_plan(weights, means, scale, const, x_range):
    """The moments path's reference component and quadratics, or None where it would lose digits.

    ``t_j(x) = a_j(x) - a_r(x)`` with ``a_k(x) = const_k - (scale_k (x - mean_k))^2`` is
    ``alpha_j x^2 + beta_j x + gamma_j``. A reference r qualifies when every other term stays
    within ``REFERENCE_BOUND`` of ``a_r`` over the data's range (``_gap_bound``: the normalisers'
    products cannot underflow) and Horner's rule is accurate there (``|alpha| x^2 + |beta x| +
    |gamma|``, convex, is largest at an end of the range). Of the references that qualify, the one
    with the largest weight: its moments come by subtraction, which loses least for the largest.

    Returns
    -------
    None, or (r, alpha, beta, gamma): arrays of K - 1 coefficients as columns (K - 1 x 1).
    """
    lo, hi = x_range
    const, means, scale = const.tolist(), means.tolist(), scale.tolist()
    squares = [s * s for s in scale]
    for r in sorted(range(len(means)), key=lambda j: -weights[j]):
        if _gap_bound(const, means, scale, x_range, r) > REFERENCE_BOUND:
            continue
        s_r, m_r = squares[r], means[r]
        coefficients = []
        for j, (c_j, m_j, s_j) in enumerate(zip(const, means, squares)):
            if j == r:
                continue
            alpha = s_r - s_j
            beta = 2.0 * (s_j * m_j - s_r * m_r)
            gamma = c_j - const[r] - s_j * m_j * m_j + s_r * m_r * m_r
            size = max(abs(alpha) * x * x + abs(beta * x) + abs(gamma) for x in (lo, hi))
            if not size <= HORNER_LIMIT:
                break
            coefficients.append((alpha, beta, gamma))
        else:
            alpha, beta, gamma = np.array(coefficients).T[:, :, None]
            return r, alpha, beta, gamma
    return None


def _moments_pass(x, plan, const, means, scale, buf):
    """The moments path over all chunks: (loglik, M0, M1, M2, size of the log-likelihood's terms),
    ``M_p[k] = sum_i r_ik x_i^p`` for every component (the reference's by subtraction)."""
    r, alpha, beta, gamma = plan
    others = alpha.shape[0]
    # The data's totals are summed in the first pass over a data array (the chunks are in cache
    # then); sum |x| is bounded by sqrt(n sum x^2) (Cauchy-Schwarz), enough for the digit checks.
    first_pass = buf.totals_of is not x
    sum_x = sum_squares = 0.0
    m0, m1, m2 = np.zeros(others), np.zeros(others), np.zeros(others)
    log_products = 0.0
    for start in range(0, x.size, CHUNK):
        xc = x[start:start + CHUNK]
        c = xc.size
        terms, recip, squares = buf.logs[:others, :c], buf.total[:c], buf.shift[:c]
        np.multiply(xc, alpha, out=terms)        # Horner: ((alpha x) + beta) x + gamma = a_j - a_r
        terms += beta
        terms *= xc
        terms += gamma
        np.exp(terms, out=terms)
        np.add(terms[0], 1.0, out=recip)
        for row in terms[1:]:
            recip += row
        np.divide(1.0, recip, out=recip)         # r_ir = 1 / (1 + sum_j exp(a_j - a_r))
        terms *= recip                           # r_ij
        np.square(xc, out=squares)
        m0 += terms.sum(axis=1)
        m1 += _row_dots(terms, xc)
        m2 += _row_dots(terms, squares)
        log_products += _log_of_products(recip, buf.blocks)
        if first_pass:
            sum_x += float(xc.sum())
            sum_squares += float(squares.sum())
    if first_pass:
        buf.totals = (float(x.size), sum_x, math.sqrt(x.size * sum_squares), sum_squares)
        buf.totals_of = x
    n, sum_x, sum_abs_x, sum_squares = buf.totals
    # sum_i a_r(x_i) from the totals: n const_r - s_r^2 (sum x^2 - 2 m_r sum x + n m_r^2)
    s2, m_r = float(scale[r]) ** 2, float(means[r])
    sum_reference = n * float(const[r]) - s2 * (sum_squares - 2.0 * m_r * sum_x + n * m_r * m_r)
    size = n * abs(float(const[r])) + s2 * (sum_squares + 2.0 * abs(m_r) * sum_abs_x + n * m_r * m_r) \
        + abs(log_products)
    mass, first, second = (np.insert(m, r, total - m.sum())
                           for m, total in ((m0, n), (m1, sum_x), (m2, sum_squares)))
    return sum_reference - log_products, mass, first, second, size, (r, n, sum_abs_x, sum_squares)


def scatter_from_moments(mass, first, second, centres, reference):
    """``sum_i r_ik (x_i - centre_k)^2`` from the raw moments, or None where the subtraction would
    lose more than ``MOMENT_DIGITS`` (then the general path's centred sums are needed).

    The reference component's moments are the totals minus the others', so the size of its terms is
    that of the totals: ``sum x^2 + 2 |c| sum |x| + c^2 n``; its mass and first moment lose digits
    too when it owns few points."""
    r, n, sum_abs_x, sum_squares = reference
    scatter = second - 2.0 * centres * first + centres * centres * mass
    size = second + 2.0 * np.abs(centres * first) + centres * centres * mass
    size[r] = sum_squares + 2.0 * abs(centres[r]) * sum_abs_x + centres[r] ** 2 * n
    if not (np.all(size <= MOMENT_DIGITS * scatter) and n <= MOMENT_DIGITS * mass[r]
            and sum_abs_x <= MOMENT_DIGITS * mass[r]):
        return None
    return scatter


def em_pass(x, weights, means, sds, buf, centres=None):
    """The log-likelihood at (weights, means, sds) and the M-step's sums over all points.

    Parameters
    ----------
    x : 1-D float array
    weights, means, sds : arrays of length K
    buf : PassBuffers for K components
    centres : None or array of length K
        Centre of the scatter sums: ``None`` means the ``means`` given (the squares the E-step
        computed anyway serve, so the pass costs nothing extra); an array costs one subtract and
        one square more per point and component on the general path, nothing on the moments path.

    Returns
    -------
    (loglik, mass, weighted_sums, scatter, about): a float, then three arrays of length K,
    ``sum_i r_ik``, ``sum_i r_ik x_i`` and ``sum_i r_ik (x_i - c_k)^2``; ``about`` is None, or on
    the moments path a function of new centres that returns the scatter about them (None where
    that would lose digits), so a caller that wants the scatter about the new means needs no
    second pass.
    """
    k = len(means)
    means = np.asarray(means, dtype=float)
    log_sds = np.log(sds)
    scale = np.sqrt(0.5) * np.exp(-log_sds)   # as density.weighted_component_logpdf has it
    const = np.log(weights) - log_sds - LOG_SQRT_2PI
    centres = None if centres is None else np.asarray(centres, dtype=float)
    if k > 1 and x.size >= REFERENCE_MIN_POINTS:
        plan = _moment_plan(np.asarray(weights).tolist(), means, scale, const, buf.data_range(x))
        if plan is not None:
            loglik, mass, first, second, size, reference = _moments_pass(x, plan, const, means, scale, buf)
            scatter = scatter_from_moments(mass, first, second, means if centres is None else centres,
                                           reference)
            if scatter is not None and size <= MOMENT_DIGITS * max(abs(loglik), x.size):
                def about(new_centres):
                    return scatter_from_moments(mass, first, second, new_centres, reference)
                return loglik, mass, first, scatter, about
    return (*_general_pass(x, means, scale, const, buf, centres), None)


def _general_pass(x, means, scale, const, buf, centres):
    """The general path: (loglik, mass, sums, scatter) from the log terms themselves."""
    k = len(means)
    mass = np.zeros(k)
    sums = np.zeros(k)
    scatter = np.zeros(k)
    loglik = 0.0
    reference = None if k == 1 or x.size < REFERENCE_MIN_POINTS else _reference_component(
        const, means, scale, buf.data_range(x))
    if reference is None:
        responsibilities = _responsibilities_general
    else:
        def responsibilities(logs, buf, c):
            return _responsibilities_reference(logs, buf, c, reference)
    for start in range(0, x.size, CHUNK):
        xc = x[start:start + CHUNK]
        c = xc.size
        logs, squares = buf.logs[:, :c], buf.squares[:, :c]
        # the arithmetic of density.weighted_component_logpdf, all rows at once
        np.subtract(xc, means[:, None], out=squares)
        squares *= scale[:, None]
        np.square(squares, out=squares)
        np.subtract(const[:, None], squares, out=logs)
        loglik += responsibilities(logs, buf, c)
        if centres is not None:
            np.subtract(xc, centres[:, None], out=squares)
            np.square(squares, out=squares)
        mass += logs.sum(axis=1)
        sums += _row_dots(logs, xc)
        scatter += _row_dots(logs, squares)
    if centres is None:
        scatter /= scale**2
    return loglik, mass, sums, scatter
