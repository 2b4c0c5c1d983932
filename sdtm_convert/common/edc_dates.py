"""Dates: EDC text dates → ISO 8601 (with partial dates), and ISO 8601 text → comparable values.

Everything is vectorised over pandas Series. Unknown parts in EDC exports are written ``UN`` (day),
``UNK`` (month) or ``UNKN``/``UNK`` (year); SDTM keeps them unknown (no imputation): a missing day
right-truncates (``2022-03``), a missing month with a known day uses the hyphen placeholder
(``2022---15``), a missing year leaves the value empty.
"""

from __future__ import annotations

import re

import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.common.text import per_distinct

MONTHS = {m: i + 1 for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}
UNKNOWN = {"UN", "UNK", "UNKN", "NK", "XX", "XXX", "XXXX", "--", "---", "----", "??", "???", "????"}

# Each format is a regex with named groups d, m, y (month by number or name).
FORMATS: dict[str, str] = {
    "DD MON YYYY": r"(?P<d>\w{1,2})[ -](?P<m>\w{2,3})[ -](?P<y>\w{1,4})",
    "DD-MON-YYYY": r"(?P<d>\w{1,2})[ -](?P<m>\w{2,3})[ -](?P<y>\w{1,4})",
    "YYYY-MM-DD": r"(?P<y>\w{1,4})-(?P<m>\w{1,3})-(?P<d>\w{1,2})",
    "MM/DD/YYYY": r"(?P<m>\w{1,3})/(?P<d>\w{1,2})/(?P<y>\w{1,4})",
    "MM-DD-YYYY": r"(?P<m>\w{1,3})-(?P<d>\w{1,2})-(?P<y>\w{1,4})",
    "DD/MM/YYYY": r"(?P<d>\w{1,2})/(?P<m>\w{1,3})/(?P<y>\w{1,4})",
    "DDMONYYYY": r"(?P<d>\w{2})(?P<m>[A-Za-z]{3})(?P<y>\w{4})",
    # partial dates collected as such (list them after the full format: ``format: [MM/DD/YYYY, YYYY]``)
    "MM/YYYY": r"(?P<m>\w{1,3})/(?P<y>\w{4})(?P<d>)",
    "YYYY": r"(?P<y>\d{4})(?P<m>)(?P<d>)",
}
# tokens of a user-defined format (``YYYY/MM/DD``, ``DD.MON.YYYY``, ``YYYYMMDD``...): anything else is a separator
TOKENS: dict[str, tuple[str, str, str]] = {  # token → (group, pattern between separators, fixed-width pattern)
    "YYYY": ("y", r"\w{1,4}", r"\w{4}"),
    "MON": ("m", r"\w{1,4}", r"[A-Za-z]{3}"),
    "MM": ("m", r"\w{1,4}", r"\w{2}"),
    "DD": ("d", r"\w{1,4}", r"\w{2}"),
}
_TOKEN_RE = re.compile("|".join(TOKENS) + r"|[A-Za-z]+|[^A-Za-z]+")


def format_regex(fmt: str) -> str:
    """The regex of a named format, or of a user-defined one made of YYYY, MM or MON, DD and any separators
    (digits and punctuation, matched literally). Raises ``ValueError`` naming the problem."""
    if fmt in FORMATS:
        return FORMATS[fmt]
    out, seen = [], set()
    for tok in _TOKEN_RE.findall(fmt):
        if tok in TOKENS:
            group, pat, fixed = TOKENS[tok]
            if group in seen:
                raise ValueError(f"date format {fmt!r} has two {tok[0] * 2} parts")
            seen.add(group)
            width = pat if _separated(fmt, tok) else fixed
            out.append(f"(?P<{group}>{width})")
        elif tok[0].isalpha():
            raise ValueError(f"date format {fmt!r}: {tok!r} is not YYYY, MM, MON or DD")
        else:
            out.append(re.escape(tok))
    if "y" not in seen:
        raise ValueError(f"date format {fmt!r} has no YYYY")
    return "".join(out) + "".join(f"(?P<{g}>)" for g in ("m", "d") if g not in seen)


def _separated(fmt: str, tok: str) -> bool:
    """A token is variable-width only when separators stand on both sides (``YYYYMMDD`` is fixed-width)."""
    i = fmt.index(tok)
    before = i == 0 or not fmt[i - 1].isalpha()
    after = i + len(tok) == len(fmt) or not fmt[i + len(tok)].isalpha()
    return before and after


TIME_RE = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"

# Reasons a value could not be converted (issue codes)
INVALID = "date-invalid"
TWO_DIGIT_YEAR = "date-two-digit-year"
NONEXISTENT = "date-nonexistent"
TIME_INVALID = "time-invalid"


def _part(s: pd.Series, kind: str, tokens: frozenset[str] | None = None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse one date component. Returns (number as float NaN=unknown, unknown mask, bad mask).
    ``tokens``: the texts that mean "unknown" (the default set when None)."""
    up = s.fillna("").str.strip().str.upper()
    unknown = up.isin(UNKNOWN if tokens is None else tokens) | up.eq("")
    if kind == "m":
        by_name = up.map(MONTHS)
        num = pd.to_numeric(up.where(up.str.fullmatch(r"\d{1,2}")), errors="coerce").astype("float64")
        val = by_name.astype("float64").fillna(num.astype("float64"))
    else:
        pat = r"\d{4}" if kind == "y" else r"\d{1,2}"
        val = pd.to_numeric(up.where(up.str.fullmatch(pat)), errors="coerce").astype("float64")
    bad = ~unknown & val.isna()
    return val.astype("float64"), unknown, bad


def edc_to_iso(values: pd.Series, fmt: str = "DD MON YYYY", unknown: list[str] | None = None) -> tuple[pd.Series, pd.Series]:
    """Convert EDC date text to ISO 8601 (partial dates kept partial), once per distinct value.

    Returns ``(iso, problem)`` as :func:`_edc_to_iso` does."""
    iso, problem = per_distinct(lambda v: _edc_to_iso(v, fmt, unknown), values)
    return iso.astype(str), problem


def _edc_to_iso(values: pd.Series, fmt: str = "DD MON YYYY", unknown: list[str] | None = None) -> tuple[pd.Series, pd.Series]:
    """Convert EDC date text to ISO 8601 (partial dates kept partial).

    Returns ``(iso, problem)``: ``iso`` is str ("" when empty or invalid); ``problem`` is an object
    Series holding an issue code (``date-invalid``, ``date-two-digit-year``, ``date-nonexistent``)
    for non-empty values that could not be converted, else None.
    """
    text = values.astype("string").fillna("").str.strip()
    parts = text.str.extract("^" + format_regex(fmt) + "$", flags=re.IGNORECASE)
    matched = parts["y"].notna()
    tokens = None if unknown is None else frozenset(str(t).strip().upper() for t in unknown)
    y, yu, yb = _part(parts["y"], "y", tokens)
    m, mu, mb = _part(parts["m"], "m", tokens)
    d, du, db = _part(parts["d"], "d", tokens)
    two_digit = matched & parts["y"].fillna("").str.fullmatch(r"\d{2}")
    bad = ~matched | yb | mb | db
    out_of_range = (m < 1) | (m > 12) | (d < 1) | (d > 31) | (y < 1000)
    nonexistent = ~du & ~mu & ~yu & (d > iso8601.days_in_month(y, m))
    empty = text.eq("")
    problem = pd.Series(None, index=values.index, dtype=object)
    problem[~empty & (bad | out_of_range.fillna(False))] = INVALID
    problem[~empty & nonexistent.fillna(False)] = NONEXISTENT
    problem[~empty & two_digit] = TWO_DIGIT_YEAR
    ok = ~empty & problem.isna() & ~yu

    ys = y.astype("Int64").astype("string").str.zfill(4)
    ms = m.astype("Int64").astype("string").str.zfill(2)
    ds = d.astype("Int64").astype("string").str.zfill(2)
    iso = pd.Series("", index=values.index, dtype=object)
    full = ok & ~mu & ~du
    ym = ok & ~mu & du
    yd = ok & mu & ~du
    yonly = ok & mu & du
    iso[full] = (ys + "-" + ms + "-" + ds)[full]
    iso[ym] = (ys + "-" + ms)[ym]
    iso[yd] = (ys + "---" + ds)[yd]
    iso[yonly] = ys[yonly]
    # a year unknown but other parts known cannot be represented: report as invalid
    problem[~empty & problem.isna() & yu] = INVALID
    return iso.astype(str), problem


def edc_to_iso_any(values: pd.Series, formats: str | list[str], unknown: list[str] | None = None) -> tuple[pd.Series, pd.Series]:
    """As :func:`edc_to_iso` with several accepted formats: each value takes the first format it is
    valid in; a value valid in none keeps the problem found with the first format."""
    fmts = [formats] if isinstance(formats, str) else list(formats)
    iso, problem = edc_to_iso(values, fmts[0], unknown)
    for fmt in fmts[1:]:
        retry = problem == INVALID
        if not retry.any():
            break
        iso2, problem2 = edc_to_iso(values[retry], fmt, unknown)
        ok = problem2.isna()
        iso.loc[ok[ok].index] = iso2[ok]
        problem.loc[ok[ok].index] = None
    return iso.astype(str), problem


def add_time(iso_date: pd.Series, times: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Append ``Thh:mm[:ss]`` to complete ISO dates, once per distinct (date, time) pair.
    Returns (iso, problem code or None)."""
    iso, problem = per_distinct(_add_time, iso_date, times)
    return iso.astype(str), problem


def _add_time(iso_date: pd.Series, times: pd.Series) -> tuple[pd.Series, pd.Series]:
    t = times.astype("string").fillna("").str.strip()
    parts = t.str.extract("^" + TIME_RE + "$")
    h = pd.to_numeric(parts["H"], errors="coerce")
    mi = pd.to_numeric(parts["M"], errors="coerce")
    sec = pd.to_numeric(parts["S"], errors="coerce")
    valid = parts["H"].notna() & (h <= 23) & (mi <= 59) & (sec.isna() | (sec <= 59))
    problem = pd.Series(None, index=times.index, dtype=object)
    unknown_time = t.str.upper().isin(UNKNOWN)
    problem[t.ne("") & ~valid & ~unknown_time] = TIME_INVALID
    complete = iso_date.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    hhmm = h.astype("Int64").astype("string").str.zfill(2) + ":" + parts["M"].astype("string")
    hhmm = hhmm.where(parts["S"].isna(), hhmm + ":" + parts["S"].astype("string"))
    out = iso_date.copy()
    use = valid & complete.fillna(False)
    out[use] = (iso_date + "T" + hhmm)[use]
    return out.astype(str), problem


# ISO 8601 text → values: the one reader, :mod:`sdtm_convert.common.iso8601` (kept here under the old names)
is_complete_date = iso8601.is_complete_date
iso_to_date = iso8601.to_date
iso_to_datetime = iso8601.to_datetime
date_precision = iso8601.precision


def is_iso8601_dtc(s: pd.Series) -> pd.Series:
    """SDTM --DTC text: a valid ISO 8601 datetime or "" (missing)."""
    return iso8601.is_valid(s) | s.astype("string").fillna("").eq("").astype(bool)
