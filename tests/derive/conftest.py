"""Shared fixtures for the derivation tests: a one-arm study like NCT03745417 and a context factory."""

from __future__ import annotations

import pandas as pd
import pytest

import sdtm_convert.derive  # noqa: F401  (registers the derivations)
from sdtm_convert.derive.registry import DeriveContext
from sdtm_convert.spec.study import study_from_dict
from sdtm_convert.standards import load_ct

STUDY = {
    "studyid": "S1",
    "title": "t",
    "sponsor": "s",
    "ct_version": "2025-03-25",
    "created": "2026-11-25T00:00:00",
    "arms": [{"armcd": "UCMSC", "arm": "UCMSC 2x10^6 cells/kg IV", "elements": ["SCRN", "UCMSC", "FU"]}],
    "elements": [
        {"etcd": "SCRN", "element": "Screening", "epoch": "SCREENING", "start_rule": "Informed consent"},
        {"etcd": "UCMSC", "element": "UCMSC Infusion", "epoch": "TREATMENT", "start_rule": "First infusion"},
        {"etcd": "FU", "element": "Follow-up", "epoch": "FOLLOW-UP", "start_rule": "Last infusion + 1 day"},
    ],
    "visits": [
        {"visitnum": 1, "visit": "SCREENING", "visitdy": -14, "window": [-14, -1]},
        {"visitnum": 2, "visit": "WEEK 0", "visitdy": 1, "window": [1, 1]},
        {"visitnum": 3, "visit": "WEEK 2", "visitdy": 15, "window": [12, 18]},
        {"visitnum": 4, "visit": "WEEK 4", "visitdy": 29, "window": [26, 32]},
    ],
}


@pytest.fixture(scope="session")
def ct():
    return load_ct()


@pytest.fixture
def make_ctx(ct):
    def make(domain: str, **domains: pd.DataFrame) -> DeriveContext:
        return DeriveContext(study=study_from_dict(STUDY), ct=ct, domain=domain, domains=dict(domains))

    return make
