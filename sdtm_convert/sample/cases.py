"""The deliberate edge cases of the sample study, pinned to the first subjects.

Subjects are numbered in enrolment order ``i = 0, 1, 2...``; subject ``i`` is at site ``i % sites + 1``
with number ``i // sites + 1`` inside the site, so with the default two sites ``0 → 01-001``,
``1 → 02-001``, ``2 → 01-002``... Cases whose index is ``>= subjects`` are simply left out.
The scripted subjects (index < :data:`N_SCRIPTED`) get no random AEs, discontinuations, missed or
unscheduled visits: everything unusual about them is listed here.
"""

from __future__ import annotations

import numpy as np

EXACT75 = 0  # PASI improvement at Week 12 exactly 75.0 % (252 -> 63 in P10)
SCREEN_FAILURE = 1  # consented, screened (PASI <= 7, vitals), never infused, DS "Screen Failure"
DISC_AE = 2  # SAE (hospitalisation) at infusion 3 -> discontinued after infusion 3, DS "Adverse Event"
SEX_LOWER = 3  # SEX "female"; AE start day unknown; AE ongoing at end of study
UNSCHEDULED = 4  # SEX "F"; birth date year only; Unscheduled 1 visit with PASI and vitals
MISSING_ITEM = 5  # SEX "M"; Week 4 Trunk erythema blank; AE comment longer than 200 characters
FRENCH = 6  # non-ASCII verbatim (French); AE end month unknown; birth date day unknown
CHINESE = 7  # non-ASCII verbatim (Chinese); Week 12 visit at exactly +3 days
PASI100 = 8  # complete clearance at Week 12
NON_RESPONDER = 9  # PASI worse at Week 12 than at baseline
WITHDRAWAL = 10  # discontinued after infusion 2, DS "Withdrawal by Subject"
WITHHELD = 11  # infusion 4 (Week 6) not given because of an AE; Week 12 visit at exactly -3 days
MISSED = 12  # Week 6 visit not done (infusion 4 not given, "Visit not done")
EXACT50 = 13  # PASI improvement at Week 12 exactly 50.0 % (162 -> 81)
EXACT90 = 14  # PASI improvement at Week 12 exactly 90.0 % (200 -> 20)
N_SCRIPTED = 15

# PASI items per region (Head/Neck, Upper Limbs, Trunk, Lower Limbs): (erythema, induration, desquamation, area)
EXACT_PASI: dict[int, dict[str, tuple[tuple[int, int, int, int], ...]]] = {
    EXACT75: {
        "base": ((2, 2, 2, 2), (2, 2, 2, 2), (3, 3, 2, 3), (3, 3, 3, 4)),  # 12 + 24 + 72 + 144 = 252
        "week12": ((1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 0, 1), (2, 2, 2, 2)),  # 3 + 6 + 6 + 48 = 63
    },
    EXACT50: {
        "base": ((2, 1, 1, 1), (2, 2, 1, 2), (2, 2, 2, 3), (3, 2, 2, 3)),  # 4 + 20 + 54 + 84 = 162
        "week12": ((1, 1, 1, 1), (1, 1, 1, 1), (2, 1, 1, 2), (2, 2, 2, 2)),  # 3 + 6 + 24 + 48 = 81
    },
    EXACT90: {
        "base": ((2, 1, 1, 2), (2, 2, 2, 2), (3, 3, 2, 2), (2, 2, 2, 5)),  # 8 + 24 + 48 + 120 = 200
        "week12": ((0, 0, 0, 0), (1, 0, 0, 1), (1, 1, 0, 1), (1, 1, 1, 1)),  # 0 + 2 + 6 + 12 = 20
    },
    PASI100: {
        "week12": ((0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0)),
    },
}

# Target Week 12 improvement fraction (drives the visits in between).
IMPROVEMENT = {EXACT75: 0.75, EXACT50: 0.5, EXACT90: 0.9, PASI100: 1.0, NON_RESPONDER: -0.25}

SEX_SPELLING = {SEX_LOWER: ("female", 0), UNSCHEDULED: ("F", 0), MISSING_ITEM: ("M", 1)}

LONG_COMMENT = (
    "Subject reported persistent tiredness starting on the evening after the second infusion, worse in the "
    "afternoons, without fever, chills or change in sleep pattern; the investigator advised rest and adequate "
    "fluid intake, no concomitant medication was given, and the event resolved without sequelae before the "
    "Week 4 visit."
)

# Scripted AEs: start = visit date of `visit` + `offset` days; `time` = minutes after the infusion start of
# that visit (None = no time); `days` = duration (None = ongoing); `start_kind`/`end_kind` from fmt (0 full,
# 1 day unknown, 2 month unknown); `serious` = seriousness criteria flagged Yes (None = not serious).
SCRIPTED_AES: tuple[dict, ...] = (
    dict(
        case=DISC_AE,
        event="headache",
        verbatim="Headache",
        visit=2,
        offset=1,
        time=None,
        days=1,
        sev=0,
        serious=None,
        rel=2,
        acn=0,
        out=0,
        comment="",
    ),
    dict(
        case=DISC_AE,
        event="irr",
        verbatim="Severe infusion related reaction with rigors and hypotension",
        visit=3,
        offset=0,
        time=25,
        days=3,
        sev=2,
        serious=("AESHOSP",),
        rel=3,
        acn=2,
        out=0,
        comment="Infusion 3 stopped after about 40 mL; admitted overnight for observation.",
    ),
    dict(
        case=SEX_LOWER,
        event="nasopharyngitis",
        verbatim="Common cold",
        visit=2,
        offset=10,
        time=None,
        days=6,
        sev=0,
        serious=None,
        rel=0,
        acn=0,
        out=0,
        comment="",
        start_kind=1,
    ),
    dict(
        case=SEX_LOWER,
        event="pruritus",
        verbatim="Itchy skin on both forearms",
        visit=5,
        offset=5,
        time=None,
        days=None,
        sev=0,
        serious=None,
        rel=2,
        acn=3,
        out=2,
        comment="",
    ),
    dict(
        case=MISSING_ITEM,
        event="fatigue",
        verbatim="Tiredness",
        visit=2,
        offset=0,
        time=None,
        days=9,
        sev=0,
        serious=None,
        rel=2,
        acn=0,
        out=0,
        comment=LONG_COMMENT,
    ),
    dict(
        case=FRENCH,
        event="pyrexia",
        verbatim="Fièvre légère après la perfusion",
        visit=1,
        offset=0,
        time=180,
        days=1,
        sev=0,
        serious=None,
        rel=3,
        acn=0,
        out=0,
        comment="",
    ),
    dict(
        case=FRENCH,
        event="dizziness",
        verbatim="Dizziness",
        visit=4,
        offset=3,
        time=None,
        days=12,
        sev=0,
        serious=None,
        rel=1,
        acn=0,
        out=0,
        comment="End date not recalled by the subject.",
        end_kind=2,
    ),
    dict(
        case=CHINESE,
        event="headache",
        verbatim="头痛",
        visit=3,
        offset=0,
        time=90,
        days=1,
        sev=0,
        serious=None,
        rel=2,
        acn=0,
        out=0,
        comment="",
    ),
    dict(
        case=WITHHELD,
        event="pyrexia",
        verbatim="Fever 38.6 C",
        visit=4,
        offset=-2,
        time=None,
        days=4,
        sev=1,
        serious=None,
        rel=2,
        acn=1,
        out=0,
        comment="Infusion 4 withheld.",
    ),
)


def present(case: int, n: int) -> bool:
    return case < n


def exact_region_arrays(rows: tuple[tuple[int, int, int, int], ...]) -> tuple[np.ndarray, np.ndarray]:
    """(items (4, 3), area (4,)) from the literal tables above."""
    a = np.array(rows, dtype=np.int64)
    return a[:, :3], a[:, 3]
