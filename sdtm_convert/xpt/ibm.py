"""IBM System/360 double (hexadecimal floating point, used by XPT v5) → IEEE 754, vectorised with numpy.

An IBM double is 1 sign bit, a 7-bit excess-64 exponent of 16 and a 56-bit fraction:
``value = (-1)**sign * fraction / 2**56 * 16**(exponent - 64)``. SAS missing values are a first byte of
``.``, ``A``-``Z`` or ``_`` followed by zero bytes. Values shorter than 8 bytes (LENGTH 3-7) are the
leading bytes of the double; the rest is zero.
"""

from __future__ import annotations

import numpy as np

MISSING_FIRST_BYTES = np.frombuffer(b"._ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
_FRACTION = np.uint64(0x00FF_FFFF_FFFF_FFFF)
IBM_MIN = 16.0**-65  # smallest positive normalised IBM double
IBM_MAX = (1 - 16.0**-14) * 16.0**63  # largest IBM double (~7.237e75)


def widen(raw: np.ndarray) -> np.ndarray:
    """(n, k) uint8 with k in 2..8 → (n, 8) uint8, zero-padded on the right."""
    out = np.zeros((raw.shape[0], 8), dtype=np.uint8)
    out[:, : raw.shape[1]] = raw
    return out


def ibm_to_ieee(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, 8) uint8 IBM doubles → (float64 values with NaN for missing, '<U1' missing codes, '' if present).

    The fraction has at most 56 bits; it is rounded once (int64 → float64, round-half-even), and the
    scaling by a power of two is exact over the whole IBM range, so IEEE values written by SAS or
    readstat (53 significant bits) come back bit-exact.
    """
    raw = np.ascontiguousarray(raw, dtype=np.uint8)
    words = raw.view(">u8").ravel()
    fraction = (words & _FRACTION).astype(np.int64)
    exponent = ((words >> np.uint64(56)) & np.uint64(0x7F)).astype(np.int64)
    negative = (words >> np.uint64(63)).astype(bool)
    values = np.ldexp(fraction.astype(np.float64), (4 * (exponent - 64) - 56).astype(np.int32))
    values = np.where(negative, -values, values)
    missing = (fraction == 0) & np.isin(raw[:, 0], MISSING_FIRST_BYTES) & (words != 0)
    values[missing] = np.nan
    codes = np.full(words.shape, "", dtype="<U1")
    codes[missing] = raw[missing, 0].view("S1").astype("U1")
    return values, codes
