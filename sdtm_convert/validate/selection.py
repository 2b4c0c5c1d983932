"""Rule selection: ``--rules`` / ``--exclude-rules`` patterns, matched against every id a rule has.

A pattern is a rule id (``SC-CT-002``), a prefix of one (``SC-CT``), a Pinnacle 21 id (``SD0002``), an FDA
id (``FDAC018``, ``FB3209``), a CDISC id (``CG0205``, ``CORE-000293``, ``ADaM-223``), or a glob of any of them
(``SC-CT-*``, ``SD00*``, ``CORE-0002*``); case does not matter. A pattern that matches no rule at all (ours
or CORE's) is a usage error.

The patterns select CORE rules too (``--rules-source core|all``): a CORE rule's ids are its CORE id (also by
prefix), its CDISC CG / FDA / PMDA ids, and the ids of our rules that check the same thing
(:mod:`sdtm_convert.validate.core.merge`), so ``--rules SD0013`` runs both SC-CONS-018 and CORE-000718 and
``--exclude-rules CG0372`` leaves out both sides of that check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import fnmatchcase
from functools import cache
from typing import TYPE_CHECKING

from sdtm_convert.validate.registry import RULES, Rule

if TYPE_CHECKING:
    from sdtm_convert.validate.core.rules import CoreRule

_GLOB = re.compile(r"[*?\[]")


def split_patterns(values: Iterable[str] | None) -> list[str]:
    """``["SC-CT-*,SD0002", "SD1082"]`` → ``["SC-CT-*", "SD0002", "SD1082"]`` (commas or repeats)."""
    return [p.strip() for v in values or () for p in v.split(",") if p.strip()]


def _names(r: Rule) -> list[str]:
    cdisc = [x.strip() for x in re.split(r"[;,]", r.cdisc_id or "") if x.strip()]
    return [n.upper() for n in (r.id, r.p21_id, r.fda_id, *cdisc) if n]


def _matches(names: list[str], rule_id: str, pattern: str) -> bool:
    p = pattern.upper()
    if _GLOB.search(p):
        return any(fnmatchcase(n, p) for n in names)
    return p in names or rule_id.upper().startswith(p)


def matches(r: Rule, pattern: str) -> bool:
    return _matches(_names(r), r.id, pattern)


@cache
def _ours_by_core() -> dict[str, tuple[str, ...]]:
    """CORE id -> the ids (rule, P21, FDA) of our rules that check the same thing."""
    from sdtm_convert.validate import rules as _  # noqa: F401  (registers the rules)
    from sdtm_convert.validate.core.merge import core_ids

    out: dict[str, list[str]] = {}
    for r in RULES.values():
        for c in core_ids(r):
            out.setdefault(c.upper(), []).extend(n.upper() for n in (r.id, r.p21_id, r.fda_id) if n)
    return {k: tuple(v) for k, v in out.items()}


def core_names(r: CoreRule) -> list[str]:
    """Every id a CORE rule answers to: its own, its CDISC/FDA/PMDA ids, and those of our equivalent rules."""
    own = [n.upper() for n in (r.core_id, *r.cdisc_ids, *r.fda_ids, *r.pmda_ids) if n]
    return own + list(_ours_by_core().get(r.core_id.upper(), ()))


def core_matches(r: CoreRule, pattern: str) -> bool:
    return _matches(core_names(r), r.core_id, pattern)


def unknown_patterns(patterns: Iterable[str]) -> list[str]:
    """The patterns that match no registered rule (of any standard) and no shipped CORE rule."""
    from sdtm_convert.validate import rules as _  # noqa: F401  (registers the rules)
    from sdtm_convert.validate.core.rules import load_rules

    return [p for p in patterns if not any(matches(r, p) for r in RULES.values())
            and not any(core_matches(c, p) for c in load_rules())]


def select_core(rules: Iterable[CoreRule], include: Iterable[str] | None = None,
                exclude: Iterable[str] | None = None) -> list[CoreRule]:
    """The CORE ``rules`` matching any ``include`` pattern (all when None), minus any ``exclude`` match (the
    patterns were checked by :func:`select`)."""
    inc = None if include is None else list(include)
    exc = list(exclude or ())
    return [r for r in rules if (inc is None or any(core_matches(r, p) for p in inc))
            and not any(core_matches(r, p) for p in exc)]


def select(rules: list[Rule], include: Iterable[str] | None = None,
           exclude: Iterable[str] | None = None) -> list[Rule]:
    """``rules`` narrowed to those matching any ``include`` pattern (all when None), minus any ``exclude`` match.
    Raises ``ValueError`` naming the patterns that match no rule."""
    inc = None if include is None else list(include)
    exc = list(exclude or ())
    bad = unknown_patterns([*(inc or []), *exc])
    if bad:
        raise ValueError(f"no rule matches {', '.join(repr(b) for b in bad)} (rule ids, P21/FDA/CDISC/CORE ids or globs "
                         "such as SC-CT-* or SD00*; `sdtm-convert rules` lists them)")
    return [r for r in rules if (inc is None or any(matches(r, p) for p in inc))
            and not any(matches(r, p) for p in exc)]
