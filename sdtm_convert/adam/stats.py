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
