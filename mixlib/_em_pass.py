"""The pass over the data that ``fit_em`` repeats: E-step, log-likelihood and M-step sums fused.

One call walks the data in chunks of ``CHUNK`` points. For each chunk it computes the log terms,
the responsibilities and the chunk's share of the log-likelihood, then adds the chunk's share of
the sums the M-step needs (``sum r``, ``sum r x``, ``sum r (x - c)^2``) while the chunk is still in
cache: the K x N responsibilities are never written to memory and read back.

The transcendental work per point, the cost that dominates (an ``exp`` or a ``log`` costs some 20
times an add here), is cut below the plain log-sum-exp's K ``exp`` and one ``log``:

* K = 2 needs one ``exp``: with ``m`` the larger log term and ``e = exp(-|a_1 - a_0|)`` the two
  shifted exponentials are 1 and ``e``. The responsibilities ``max(e, flag) / (1 + e)`` (``flag``
  1.0 for the larger term, else 0.0) are the very numbers the general formula gives, bit for bit.
* K >= 3 needs K - 1: the log terms are shifted by one reference component's term ``a_r``
  instead of each point's largest, so ``exp(a_r - a_r) = 1`` costs nothing. That is safe only
  while no other term can exceed ``a_r`` by much: ``a_j - a_r`` is a quadratic in x, and its
  largest value over the data's range is found in closed form (``_reference_component``). When
  the bound exceeds ``REFERENCE_BOUND`` for every choice of r the pass takes the general path,
  K ``exp`` shifted by the largest term. The responsibilities agree with the general path's to a
  few ulps (not bit for bit: the shift differs).
* The ``log`` of each point's normaliser is taken for blocks of ``LOG_BLOCK`` points at once, as the
  log of a product. The shift by the largest term puts every reciprocal normaliser in
  ``[1/K, 1]``, so a product of ``LOG_BLOCK`` of them lies in ``[K**-LOG_BLOCK, 1]``: it can neither
  underflow nor overflow (for any K below 1e38), and its rounding error is a few ulps. Shifted by a
  reference term, each lies in ``[1 / (1 + (K - 1) e**B), 1]`` with B the bound, and a product of
  8 stays far above the smallest normal double while ``B <= REFERENCE_BOUND``.

Per point the arithmetic of the responsibilities is that of ``density.normalise_rows_in_place``;
only the order of summation differs.
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


class PassBuffers:
    """Chunk-sized buffers one EM run reuses."""

    def __init__(self, k, n):
        c = max(1, min(CHUNK, n))
        self.logs = np.empty((k, c))     # log terms, then responsibilities
        self.squares = np.empty((k, c))  # ((x - mean) / (sqrt(2) sd))^2, or (x - centre)^2
        self.shift = np.empty(c)         # the largest log term of each point
        self.total = np.empty(c)         # 1 / sum_k exp(log term - shift)
        self.flags = np.empty((2, c))    # K = 2: 1.0 where a component's term is the larger
        self.blocks = np.empty(c // LOG_BLOCK)
        self.range_of = None             # the data array whose (min, max) ``x_range`` holds
        self.x_range = None

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


def _responsibilities_two(logs, buf, c):
    """K = 2: responsibilities in place of the two log-term rows; returns the chunk's
    log-likelihood. One exp per point."""
    a0, a1 = logs[0], logs[1]
    shift, recip = buf.shift[:c], buf.total[:c]
    first_larger, second_larger = buf.flags[0, :c], buf.flags[1, :c]
    np.maximum(a0, a1, out=shift)
    np.less_equal(a1, a0, out=first_larger)   # a tie counts for the first, as np.maximum does
    np.greater(a1, a0, out=second_larger)
    np.minimum(a0, a1, out=a0)
    a0 -= shift                                # -|a1 - a0|, exactly
    np.exp(a0, out=a0)                         # e: the smaller term's exponential
    np.add(a0, 1.0, out=recip)
    np.reciprocal(recip, out=recip)
    np.maximum(a0, second_larger, out=a1)      # exp(a_1 - shift): 1 or e
    np.maximum(a0, first_larger, out=a0)       # exp(a_0 - shift)
    a0 *= recip
    a1 *= recip
    return float(shift.sum()) - _log_of_products(recip, buf.blocks)


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
        one square more per point and component.

    Returns
    -------
    (loglik, mass, weighted_sums, scatter): a float, then three arrays of length K,
    ``sum_i r_ik``, ``sum_i r_ik x_i`` and ``sum_i r_ik (x_i - c_k)^2``.
    """
    k = len(means)
    means = np.asarray(means, dtype=float)
    log_sds = np.log(sds)
    scale = np.sqrt(0.5) * np.exp(-log_sds)   # as density.weighted_component_logpdf has it
    const = np.log(weights) - log_sds - LOG_SQRT_2PI
    centres = None if centres is None else np.asarray(centres, dtype=float)
    mass = np.zeros(k)
    sums = np.zeros(k)
    scatter = np.zeros(k)
    loglik = 0.0
    if k == 2:
        responsibilities = _responsibilities_two
    else:
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
