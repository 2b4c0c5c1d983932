"""Long visit rows (subject x visit, scheduled and unscheduled) in file order."""

from __future__ import annotations

import numpy as np

from . import labels as L
from .fmt import MISSING
from .plan import Plan

UNSCHEDULED_KEY = 5.5  # sorts "Unscheduled 1" between Week 8 and Week 12 (where it is always dated)


def visit_rows(plan: Plan, done_only: bool) -> dict[str, np.ndarray]:
    """Rows ordered by subject, then visit. ``vis`` = scheduled visit index, -1 for the unscheduled visit."""
    mask = plan.visit_done if done_only else plan.visit_exists
    subj, vis = np.nonzero(mask)
    u_subj = np.nonzero(plan.unsched_day != MISSING)[0]
    subj = np.concatenate([subj, u_subj])
    vis = np.concatenate([vis, np.full(len(u_subj), -1)])
    key = np.where(vis >= 0, vis, UNSCHEDULED_KEY)
    order = np.lexsort((key, subj))
    subj, vis = subj[order], vis[order]
    sched = vis >= 0
    vis0 = np.where(sched, vis, 0)
    day = np.where(sched, plan.visit_day[subj, vis0], plan.unsched_day[subj])
    time = np.where(sched, plan.vs_time[subj, vis0], plan.unsched_time[subj])
    label = np.where(sched, L.VISIT_LABELS[vis0], L.UNSCHEDULED_LABEL).astype(object)
    done = np.where(sched, plan.visit_done[subj, vis0], True)
    return dict(subj=subj, vis=vis, day=day, time=time, label=label, done=done)
