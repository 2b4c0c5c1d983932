"""PASI item scores per subject x visit x region, realistic and deterministic.

Baseline (Week 0) severity is drawn per region; screening is baseline with a small perturbation
(screen failures get a mild screening PASI <= 7); later visits shrink baseline towards the subject's
target improvement at Week 12 (scripted subjects get literal item tables from :mod:`cases`).
"""

from __future__ import annotations

import numpy as np

from . import cases
from . import labels as L
from .plan import STREAM_PASI, Plan, stream

# Bulk baseline bounds per region (Head/Neck, Upper Limbs, Trunk, Lower Limbs): baseline P10 >= 93 (PASI > 7).
ITEM_MIN = np.array([1, 1, 2, 2])
ITEM_MAX = np.array([3, 4, 4, 4])
AREA_MIN = np.array([1, 1, 2, 2])
AREA_MAX = np.array([3, 4, 4, 4])


def p10(items: np.ndarray, area: np.ndarray) -> np.ndarray:
    """Integer 10 x PASI: sum over regions of weight10 * (E + I + D) * A. items (..., 4, 3), area (..., 4)."""
    return (L.REGION_WEIGHT10 * items.sum(axis=-1) * area).sum(axis=-1)


def _consistent(items: np.ndarray, area: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """No involvement means no scores and vice versa (as investigators record it)."""
    items = np.where((area == 0)[..., None], 0, items)
    area = np.where(items.sum(axis=-1) == 0, 0, area)
    return items, area


def _baseline(g: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    items = ITEM_MIN[None, :, None] + np.floor(g.random((n, 4, 3)) * (ITEM_MAX - ITEM_MIN + 1)[None, :, None])
    area = AREA_MIN[None, :] + np.floor(g.random((n, 4)) * (AREA_MAX - AREA_MIN + 1)[None, :])
    return items.astype(np.int64), area.astype(np.int64)


def _screening(g, base_items, base_area, status) -> tuple[np.ndarray, np.ndarray]:
    n = len(status)
    step = g.choice(np.array([-1, 0, 1]), size=(n, 4, 3), p=[0.2, 0.6, 0.2])
    items = np.clip(base_items + step, ITEM_MIN[None, :, None], 4)
    area = np.clip(base_area + g.choice(np.array([-1, 0, 1]), size=(n, 4), p=[0.1, 0.8, 0.1]), AREA_MIN[None, :], 6)
    # Screen failures: mild disease (max P10 = 3 + 6 + 18 + 24 = 51, PASI 5.1).
    sf_items = np.concatenate([g.integers(0, 2, (n, 2, 3)), g.integers(1, 3, (n, 2, 3))], axis=1)
    sf_area = np.concatenate([g.integers(0, 2, (n, 2)), np.ones((n, 2), dtype=np.int64)], axis=1)
    sf = status == L.SCREEN_FAILURE
    items = np.where(sf[:, None, None], sf_items, items)
    area = np.where(sf[:, None], sf_area, area)
    return _consistent(items, area)


def _follow_up(g, base_items, base_area, improvement, weeks) -> tuple[np.ndarray, np.ndarray]:
    """Scores at fractional `weeks` (n, k) after Week 0."""
    t = np.clip(weeks / 12.0, 0.0, 1.0) ** 0.8
    factor = 1.0 - improvement[:, None] * t  # (n, k) remaining fraction of baseline PASI
    m = np.sqrt(np.clip(factor, 0.0, None))
    shape = weeks.shape
    items = np.rint(base_items[:, None] * m[..., None, None] + g.normal(0, 0.35, shape + (4, 3)))
    area = np.rint(base_area[:, None] * m[..., None] + g.normal(0, 0.35, shape + (4,)))
    clear = (factor <= 0.02)[..., None]
    items = np.where(clear[..., None], 0, np.clip(items, 0, 4)).astype(np.int64)
    area = np.where(clear, 0, np.clip(area, 0, 6)).astype(np.int64)
    return _consistent(items, area)


def _apply_scripts(grid_items, grid_area, n) -> None:
    for case, tables in cases.EXACT_PASI.items():
        if case < n:
            grid_items[case, L.WEEK12], grid_area[case, L.WEEK12] = cases.exact_region_arrays(tables["week12"])
    if cases.MISSING_ITEM < n:  # the blank erythema must matter: Trunk involved at Week 4
        grid_area[cases.MISSING_ITEM, 3, 2] = max(grid_area[cases.MISSING_ITEM, 3, 2], 2)
        grid_items[cases.MISSING_ITEM, 3, 2] = np.maximum(grid_items[cases.MISSING_ITEM, 3, 2], 1)


def pasi_grid(plan: Plan, seed: int) -> dict[str, np.ndarray]:
    """Scores for every (subject, scheduled visit) cell and for the unscheduled visit.

    Returns ``items`` (n, 7, 4, 3), ``area`` (n, 7, 4), ``u_items`` (n, 4, 3), ``u_area`` (n, 4) and
    ``erythema_missing`` (n, 7, 4) bool. Cells of visits that did not happen are present but unused.
    """
    g = stream(seed, STREAM_PASI)
    n = plan.n
    base_items, base_area = _baseline(g, n)
    for case, tables in cases.EXACT_PASI.items():  # scripted baselines feed screening and later visits
        if case < n and "base" in tables:
            base_items[case], base_area[case] = cases.exact_region_arrays(tables["base"])
    scr_items, scr_area = _screening(g, base_items, base_area, plan.status)
    weeks = np.broadcast_to(L.VISIT_WEEKS[None, 2:].astype(float), (n, L.N_VISITS - 2))
    fu_items, fu_area = _follow_up(g, base_items, base_area, plan.improvement, weeks)
    grid_items = np.concatenate([scr_items[:, None], base_items[:, None], fu_items], axis=1)
    grid_area = np.concatenate([scr_area[:, None], base_area[:, None], fu_area], axis=1)
    u_weeks = np.where(plan.unsched_day > 0, (plan.unsched_day - plan.w0_day) / 7.0, 0.0)
    u_items, u_area = _follow_up(g, base_items, base_area, plan.improvement, u_weeks[:, None])
    _apply_scripts(grid_items, grid_area, n)
    missing = np.zeros((n, L.N_VISITS, 4), dtype=bool)
    if cases.MISSING_ITEM < n:
        missing[cases.MISSING_ITEM, 3, 2] = True
    return dict(items=grid_items, area=grid_area, u_items=u_items[:, 0], u_area=u_area[:, 0], erythema_missing=missing)
