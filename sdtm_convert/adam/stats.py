"""Small exact statistics for the summary page: descriptive statistics, exact binomial CDF,
Clopper–Pearson confidence interval (by bisection; no scipy)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import numpy as np


def describe(values: Sequence[float]) -> dict[str, float | int | None]:
    """n, mean, SD (n − 1), median, min, max of the non-missing values."""
    xs = sorted(float(v) for v in values if v is not None and not math.isnan(float(v)))
    n = len(xs)
    if n == 0:
        return {"n": 0, "mean": None, "sd": None, "median": None, "min": None, "max": None}
    mean = math.fsum(xs) / n
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1)) if n > 1 else None
    mid = n // 2
    median = xs[mid] if n % 2 else (xs[mid - 1] + xs[mid]) / 2
    return {"n": n, "mean": mean, "sd": sd, "median": median, "min": xs[0], "max": xs[-1]}


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X ≤ k) for X ~ Binomial(n, p), summed in log space with ``math.lgamma``."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    lp, lq = math.log(p), math.log1p(-p)
    lf = _log_factorials(n)
    i = np.arange(k + 1)
    terms = np.exp(lf[n] - lf[i] - lf[n - i] + i * lp + (n - i) * lq)  # the pmf, term by term, as arrays
    return min(1.0, math.fsum(terms.tolist()))


@cache
def _log_factorials(n: int) -> np.ndarray:
    """log(i!) for i = 0..n (``math.lgamma``), computed once per n: the bisection evaluates the CDF ~90 times."""
    return np.array([math.lgamma(i + 1) for i in range(n + 1)])


def _bisect(f, lo: float = 0.0, hi: float = 1.0, iterations: int = 200) -> float:
    """Root of a function decreasing in p on [lo, hi] (f(lo) > 0 > f(hi))."""
    for _ in range(iterations):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-13:
            break
    return (lo + hi) / 2


def clopper_pearson(x: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper–Pearson) interval for a binomial proportion x/n.

    Lower: P(X ≥ x | p) = α/2 (0 when x = 0); upper: P(X ≤ x | p) = α/2 (1 when x = n). These are
    the beta quantiles B(α/2; x, n−x+1) and B(1−α/2; x+1, n−x).
    """
    if n <= 0 or not 0 <= x <= n:
        raise ValueError("need 0 <= x <= n and n > 0")
    alpha = 1.0 - confidence
    lower = 0.0 if x == 0 else _bisect(lambda p: alpha / 2 - (1.0 - binom_cdf(x - 1, n, p)))
    upper = 1.0 if x == n else _bisect(lambda p: binom_cdf(x, n, p) - alpha / 2)
    return lower, upper


# -- Student's t and the regularized incomplete beta function ----------------------------------------------


def betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b), by its continued fraction (modified Lentz), using
    the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly."""
    if not 0.0 <= x <= 1.0:
        raise ValueError("need 0 <= x <= 1")
    if x in (0.0, 1.0):
        return x
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - betainc(b, a, 1.0 - x)
    log_front = a * math.log(x) + b * math.log1p(-x) - (math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))
    return math.exp(log_front) * _beta_fraction(a, b, x) / a


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 1e-16
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom: ½·I_{df/(df+t²)}(df/2, ½) in the tail."""
    if df <= 0:
        raise ValueError("need df > 0")
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t (bisection on :func:`t_cdf`, to 1e-12 relative)."""
    if not 0.0 < p < 1.0:
        raise ValueError("need 0 < p < 1")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    hi = 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    lo = 0.0
    while hi - lo > 1e-12 * hi:
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def mean_ci(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float] | None:
    """The t interval for the mean, mean ± t(1 − α/2, n − 1)·SD/√n; None with fewer than 2 values."""
    s = describe(values)
    n = int(s["n"] or 0)
    if n < 2:
        return None
    mean, sd = float(s["mean"] or 0.0), float(s["sd"] or 0.0)
    half = t_quantile(1.0 - (1.0 - confidence) / 2, n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half


def median_ci(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float, float] | None:
    """The distribution-free interval for the median: order statistics x(l), x(n−l+1) with l the largest rank
    such that P(B ≤ l − 1) ≤ α/2 for B ~ Binomial(n, ½). Returns (low, high, achieved coverage
    1 − 2·P(B ≤ l − 1)); None when n is too small for the confidence asked (n < 6 for 95 %)."""
    xs = sorted(float(v) for v in values if v is not None and not math.isnan(float(v)))
    n = len(xs)
    alpha = 1.0 - confidence
    lo, hi = 0, n  # the largest rank r in 0..n with P(B ≤ r − 1) ≤ α/2 (rank 0 always qualifies), by bisection
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if binom_cdf(mid - 1, n, 0.5) <= alpha / 2:
            lo = mid
        else:
            hi = mid - 1
    rank = lo
    if rank == 0:
        return None
    return xs[rank - 1], xs[n - rank], 1.0 - 2.0 * binom_cdf(rank - 1, n, 0.5)
