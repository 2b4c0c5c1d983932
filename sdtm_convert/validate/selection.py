"""Rule selection: ``--rules`` / ``--exclude-rules`` patterns, matched against every id a rule has.

A pattern is a rule id (``SC-CT-002``), a prefix of one (``SC-CT``), a Pinnacle 21 id (``SD0002``), an FDA
id (``FDAC018``), a CDISC id (``CG0205``, ``CORE-000293``, ``ADaM-223``), or a glob of any of them
(``SC-CT-*``, ``SD00*``); case does not matter. A pattern that matches no rule at all is a usage error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import fnmatchcase

from sdtm_convert.validate.registry import RULES, Rule

_GLOB = re.compile(r"[*?\[]")


def split_patterns(values: Iterable[str] | None) -> list[str]:
    """``["SC-CT-*,SD0002", "SD1082"]`` → ``["SC-CT-*", "SD0002", "SD1082"]`` (commas or repeats)."""
    return [p.strip() for v in values or () for p in v.split(",") if p.strip()]


def _names(r: Rule) -> list[str]:
    cdisc = [x.strip() for x in re.split(r"[;,]", r.cdisc_id or "") if x.strip()]
    return [n.upper() for n in (r.id, r.p21_id, r.fda_id, *cdisc) if n]


def matches(r: Rule, pattern: str) -> bool:
    p = pattern.upper()
    if _GLOB.search(p):
        return any(fnmatchcase(n, p) for n in _names(r))
    return p in _names(r) or r.id.upper().startswith(p)


def unknown_patterns(patterns: Iterable[str]) -> list[str]:
    """The patterns that match no registered rule (of any standard)."""
    from sdtm_convert.validate import rules as _  # noqa: F401  (registers the rules)

    return [p for p in patterns if not any(matches(r, p) for r in RULES.values())]


def select(rules: list[Rule], include: Iterable[str] | None = None,
           exclude: Iterable[str] | None = None) -> list[Rule]:
    """``rules`` narrowed to those matching any ``include`` pattern (all when None), minus any ``exclude`` match.
    Raises ``ValueError`` naming the patterns that match no rule."""
    inc = None if include is None else list(include)
    exc = list(exclude or ())
    bad = unknown_patterns([*(inc or []), *exc])
    if bad:
        raise ValueError(f"no rule matches {', '.join(repr(b) for b in bad)} (rule ids, P21/FDA/CDISC ids or globs "
                         "such as SC-CT-* or SD00*; `sdtm-convert rules` lists them)")
    return [r for r in rules if (inc is None or any(matches(r, p) for p in inc))
            and not any(matches(r, p) for p in exc)]
