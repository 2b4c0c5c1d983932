"""A study's ADaM settings in words, for define.xml method texts: a method text never names a setting
(``adam.trtemfl_window_days``, ``anl01fl_rule``), it states the value the run used (``TRTEDT + 28 days``).

Method texts of the registered datasets hold ``{name}`` placeholders for these words; :func:`fill` replaces the
known names only, so a sponsor's text with braces of its own stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sdtm_convert.common.text import number_str

#: the record ANL01FL keeps in a window, per rule of ``adam.derive.visits.ANL01FL_RULES``
ANL01FL_WORDS = {
    "closest_to_target_then_latest": "the one closest to the target day, then the latest",
    "closest_to_target_then_earliest": "the one closest to the target day, then the earliest",
    "latest": "the latest",
    "earliest": "the earliest",
}


def treatment_numbers_text(numbers: Mapping[str, float]) -> str:
    """``1 for 'Placebo'; 2 for 'Drug'``; for no numbers, what the run does without them."""
    if not numbers:
        return "none (no arm is numbered)"
    return "; ".join(f"{number_str(n)} for '{arm}'" for arm, n in numbers.items())


def age_groups_text(groups: Iterable[Mapping[str, Any]]) -> str:
    """``18-40, 41-65``: the groups' labels in their order."""
    return ", ".join(str(g.get("label", "")) for g in groups)


def age_group_numbers_text(groups: Iterable[Mapping[str, Any]]) -> str:
    """``18-40 = 1, 41-65 = 2``."""
    return ", ".join(f"{g.get('label', '')} = {i}" for i, g in enumerate(groups, start=1))


def window_text(days: int | None, *, none: str = "") -> str:
    """`` + 28 days`` after a reference date; ``none`` when there is no window."""
    return f" + {days} days" if days else ("" if days == 0 else none)


def settings_words(settings: Any) -> dict[str, str]:
    """The placeholders of the registered datasets' method texts, from the run's
    :class:`~sdtm_convert.adam.config.AdamSettings`."""
    window = settings.trtemfl_window_days
    return {
        "age_groups": age_groups_text(settings.age_groups),
        "age_group_numbers": age_group_numbers_text(settings.age_groups),
        "treatment_numbers": treatment_numbers_text(settings.treatment_numbers),
        "anl01fl_rule": ANL01FL_WORDS.get(settings.anl01fl_rule, settings.anl01fl_rule.replace("_", " ")),
        "ontrt_window": window_text(window or 0),
        "trtemfl_upper": f" <= TRTEDT{window_text(window)}" if window is not None else " (no upper limit)",
        "tolerance_days": str(settings.tolerance_days),
        "nri_population": settings.nri_population,
    }


def fill(text: str, words: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` of ``words`` replaced by its words (other braces untouched)."""
    if "{" not in text or not words:
        return text
    return re.sub(r"\{(" + "|".join(map(re.escape, words)) + r")\}", lambda m: words[m.group(1)], text)
