"""The subject plan: who is enrolled where, what happens to them, and on which days.

Everything else (forms) is derived from this plan. Days are int64 days since 1970-01-01
(:data:`fmt.MISSING` = no date). Arrays are indexed by subject (enrolment order) and, for ``(n, 7)``
arrays, by scheduled visit (see :data:`labels.SCHEDULED_VISITS`).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np

from . import cases
from . import labels as L
from .fmt import MISSING, day_number, subject_ids

FIRST_SCREENING = day_number(_dt.date(2021, 9, 6))  # consent >= 2021-09-04, after SSTDTC 2021-08-31
ENROLMENT_DAYS = 330  # screening dates spread over 2021-09-06 .. 2022-08-01; last Week 12 before 2022-11-15

# Random-stream ids: each form draws from its own stream, so adding draws to one form never shifts another.
STREAM_PLAN, STREAM_PASI, STREAM_VITALS, STREAM_AE, STREAM_DM, STREAM_INFUSION = 1, 2, 3, 4, 5, 6


def stream(seed: int, stream_id: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(stream_id)])


@dataclass(frozen=True)
class Plan:
    n: int
    sites: int
    site: np.ndarray  # 1..sites
    subject: np.ndarray  # "SS-NNN"
    sex: np.ndarray  # 0 female, 1 male
    status: np.ndarray  # labels.COMPLETED / DISCONTINUED / SCREEN_FAILURE
    ds_reason: np.ndarray  # labels.DSR_*
    last_visit: np.ndarray  # index of the last scheduled visit reached
    ic_day: np.ndarray
    ds_day: np.ndarray
    visit_day: np.ndarray  # (n, 7) planned-or-actual day of each scheduled visit reached, else MISSING
    visit_exists: np.ndarray  # (n, 7) a row in visits.csv
    visit_done: np.ndarray  # (n, 7) visit took place (assessments exist)
    missed_reason: np.ndarray  # (n,) index into labels.VISIT_NOT_DONE_REASONS, -1 if none
    withheld: np.ndarray  # (n, 7) visit done but infusion withheld for an AE
    unsched_day: np.ndarray  # (n,) day of "Unscheduled 1" or MISSING
    vs_time: np.ndarray  # (n, 7) minutes after midnight of the vital signs
    unsched_time: np.ndarray  # (n,)
    inf_start: np.ndarray  # (n, 7) infusion start time (minutes), meaningful at infusion visits
    inf_end: np.ndarray  # (n, 7)
    improvement: np.ndarray  # (n,) target PASI improvement fraction at Week 12

    @property
    def w0_day(self) -> np.ndarray:
        return self.visit_day[:, 1]

    def infusion_given(self) -> np.ndarray:
        """(n, 7) True where an infusion was given (infusion visits only)."""
        inf = np.zeros(self.visit_day.shape, dtype=bool)
        inf[:, list(L.INFUSION_VISITS)] = True
        return inf & self.visit_done & ~self.withheld

    def infusion_rows(self) -> np.ndarray:
        """(n, 7) True where infusion.csv has a row (infusion visit reached, given or not)."""
        inf = np.zeros(self.visit_day.shape, dtype=bool)
        inf[:, list(L.INFUSION_VISITS)] = True
        return inf & self.visit_exists


def _improvement(g: np.random.Generator, n: int) -> np.ndarray:
    """Mixture: non-responders, partial, good and complete responders."""
    kind = g.choice(4, size=n, p=[0.15, 0.35, 0.40, 0.10])
    lo = np.array([-0.25, 0.35, 0.72, 1.0])[kind]
    hi = np.array([0.30, 0.78, 0.97, 1.0])[kind]
    return lo + (hi - lo) * g.random(n)


def _random_plan(n: int, sites: int, g: np.random.Generator) -> dict[str, np.ndarray]:
    idx = np.arange(n)
    u = g.random(n)
    status = np.where(u < 0.06, L.SCREEN_FAILURE, np.where(u < 0.14, L.DISCONTINUED, L.COMPLETED))
    disc_after = g.integers(1, 5, n)  # discontinued after infusion 1..4 (= visit index)
    disc_reason = g.choice(
        np.array([L.DSR_WITHDRAWAL, L.DSR_AE, L.DSR_LOST, L.DSR_PHYSICIAN]), size=n, p=[0.4, 0.3, 0.2, 0.1]
    )
    screen = FIRST_SCREENING + g.integers(0, ENROLMENT_DAYS, n)
    ic = screen - g.integers(0, 3, n)
    w0 = screen + g.integers(3, 15, n)  # screening on study day -3 .. -14
    jitter = g.integers(-3, 4, (n, L.N_VISITS))
    jitter[:, :2] = 0
    jitter[:, L.WEEK12] = g.integers(-2, 3, n)  # +-3 at Week 12 only where scripted
    visit_day = w0[:, None] + 7 * L.VISIT_WEEKS[None, :] + jitter
    visit_day[:, 0] = screen
    completer = status == L.COMPLETED
    missed_visit = np.where(completer & (g.random(n) < 0.02), g.integers(2, 6, n), -1)
    missed_reason = np.where(missed_visit >= 0, g.integers(0, len(L.VISIT_NOT_DONE_REASONS), n), -1)
    withheld_visit = np.where(completer & (missed_visit < 0) & (g.random(n) < 0.015), g.integers(2, 6, n), -1)
    unsched = np.where(completer & (g.random(n) < 0.04), visit_day[:, 5] + g.integers(7, 15, n), MISSING)
    return dict(
        site=idx % sites + 1,
        seq=idx // sites + 1,
        sex=(g.random(n) < 0.45).astype(np.int64),
        status=status,
        ds_reason=np.select(
            [status == L.SCREEN_FAILURE, status == L.DISCONTINUED], [L.DSR_SCREEN_FAILURE, disc_reason], L.DSR_NONE
        ),
        last_visit=np.select([status == L.SCREEN_FAILURE, status == L.DISCONTINUED], [0, disc_after], L.WEEK12),
        ic_day=ic,
        visit_day=visit_day,
        missed_visit=missed_visit,
        missed_reason=missed_reason,
        withheld_visit=withheld_visit,
        unsched_day=unsched,
        ds_gap=g.integers(1, 15, n),
        vs_time=8 * 60 + g.integers(0, 210, (n, L.N_VISITS)),
        unsched_time=9 * 60 + g.integers(0, 360, n),
        inf_delay=g.integers(20, 61, (n, L.N_VISITS)),
        inf_length=g.integers(30, 76, (n, L.N_VISITS)),
        improvement=_improvement(g, n),
    )


def _script(p: dict[str, np.ndarray], n: int) -> None:
    """Overwrite the scripted subjects (in place, on the freshly drawn arrays)."""
    k = min(n, cases.N_SCRIPTED)
    p["status"][:k] = L.COMPLETED
    p["ds_reason"][:k] = L.DSR_NONE
    p["last_visit"][:k] = L.WEEK12
    p["missed_visit"][:k] = -1
    p["missed_reason"][:k] = -1
    p["withheld_visit"][:k] = -1
    p["unsched_day"][:k] = MISSING
    w0 = p["visit_day"][:, 1]
    settings = {
        cases.SCREEN_FAILURE: dict(status=L.SCREEN_FAILURE, ds_reason=L.DSR_SCREEN_FAILURE, last_visit=0, ds_gap=3),
        cases.DISC_AE: dict(status=L.DISCONTINUED, ds_reason=L.DSR_AE, last_visit=3, ds_gap=7),
        cases.WITHDRAWAL: dict(status=L.DISCONTINUED, ds_reason=L.DSR_WITHDRAWAL, last_visit=2, ds_gap=5),
        cases.WITHHELD: dict(withheld_visit=4),
        cases.MISSED: dict(missed_visit=4, missed_reason=0),
    }
    for case, values in settings.items():
        if case < n:
            for key, value in values.items():
                p[key][case] = value
    if cases.UNSCHEDULED < n:
        p["unsched_day"][cases.UNSCHEDULED] = p["visit_day"][cases.UNSCHEDULED, 5] + 10
    for case, week12_offset in ((cases.CHINESE, 3), (cases.WITHHELD, -3)):
        if case < n:
            p["visit_day"][case, L.WEEK12] = w0[case] + 84 + week12_offset
    for case, (_, sex) in cases.SEX_SPELLING.items():
        if case < n:
            p["sex"][case] = sex
    for case, target in cases.IMPROVEMENT.items():
        if case < n:
            p["improvement"][case] = target


def build_plan(n: int, seed: int, sites: int) -> Plan:
    p = _random_plan(n, sites, stream(seed, STREAM_PLAN))
    _script(p, n)
    col = np.arange(L.N_VISITS)[None, :]
    rows = np.arange(n)
    exists = col <= p["last_visit"][:, None]
    missed = np.zeros((n, L.N_VISITS), dtype=bool)
    has_missed = p["missed_visit"] >= 0
    missed[rows[has_missed], p["missed_visit"][has_missed]] = True
    withheld = np.zeros((n, L.N_VISITS), dtype=bool)
    has_withheld = p["withheld_visit"] >= 0
    withheld[rows[has_withheld], p["withheld_visit"][has_withheld]] = True
    visit_day = np.where(exists & ~missed, p["visit_day"], MISSING)
    last_day = p["visit_day"][rows, p["last_visit"]]
    status = p["status"]
    ds_day = np.select(
        [status == L.COMPLETED, status == L.DISCONTINUED],
        [last_day, last_day + p["ds_gap"]],
        last_day + p["ds_gap"] % 7 + 1,
    )
    inf_start = p["vs_time"] + p["inf_delay"]
    return Plan(
        n=n,
        sites=sites,
        site=p["site"],
        subject=subject_ids(p["site"], p["seq"]),
        sex=p["sex"],
        status=status,
        ds_reason=p["ds_reason"],
        last_visit=p["last_visit"],
        ic_day=p["ic_day"],
        ds_day=ds_day,
        visit_day=visit_day,
        visit_exists=exists,
        visit_done=exists & ~missed,
        missed_reason=p["missed_reason"],
        withheld=withheld,
        unsched_day=p["unsched_day"],
        vs_time=p["vs_time"],
        unsched_time=p["unsched_time"],
        inf_start=inf_start,
        inf_end=inf_start + p["inf_length"],
        improvement=p["improvement"],
    )
