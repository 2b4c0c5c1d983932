"""ADaM: the derivation library (:mod:`sdtm_convert.adam.derive`) and the study's ADSL, ADPASI, ADAE.

``build_adam(sdtm, study)`` → :class:`AdamResult` (datasets, metadata, issues, skipped). A dataset
whose source SDTM records are absent (ADPASI without PASI records in the study's PASI domain, ADAE
without AE records) is not built at all: it is left out of ``datasets`` (so of the files, define.xml,
the validation and the manifest) and named in ``skipped`` with the reason, reported as info
``adam-dataset-skipped``.
``render_summary(result, study)`` → the reviewer's self-contained HTML summary page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from sdtm_convert.adam.adae import build_adae
from sdtm_convert.adam.adpasi import build_adpasi, complete_adpasi
from sdtm_convert.adam.adsl import derive_adsl_core, derive_pasi_availability, derive_populations, finalize_adsl
from sdtm_convert.adam.config import AdamSettings, adam_settings
from sdtm_convert.adam.derive._frame import as_text
from sdtm_convert.errors import INFO, Issue
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.spec.study import StudyConfig


@dataclass
class AdamResult:
    """What :func:`build_adam` built: frames and metadata by dataset name, and the issues found on the way."""

    datasets: dict[str, pd.DataFrame]
    metadata: dict[str, DatasetMeta]
    issues: list[Issue] = field(default_factory=list)
    settings: AdamSettings | None = None
    skipped: dict[str, str] = field(default_factory=dict)  # dataset → why it was not built


def build_adam(sdtm: Mapping[str, pd.DataFrame], study: StudyConfig) -> AdamResult:
    """Build ADSL, ADPASI and ADAE from the SDTM frames (char missing "", numeric missing NaN).

    ``sdtm``: domain → frame, e.g. a :class:`~sdtm_convert.pipeline.Conversion`'s ``sdtm`` (DM, EX, DS, AE and the
    PASI domain QS or RS are read); ``study``: the study configuration (``conversion.spec.study``), whose
    ``adam`` and ``populations`` settings drive windows, flags and populations (``docs/adam.md``).
    Returns an :class:`AdamResult`: ``datasets`` (name → frame), ``metadata`` (for XPT and define.xml) and
    ``issues``. Nothing is written."""
    from sdtm_convert.adam.meta import adam_metadata

    issues: list[Issue] = []
    settings = adam_settings(study)
    # text columns as pandas strings between steps and at the end (see as_text)
    core = as_text(derive_adsl_core(sdtm, settings, issues))
    pasi = as_text(build_adpasi(sdtm, study, core, settings, issues))
    adsl = derive_populations(derive_pasi_availability(core, pasi, settings), settings)
    adsl = as_text(finalize_adsl(adsl, settings))
    adpasi = as_text(complete_adpasi(pasi, adsl, settings))
    adae = as_text(build_adae(sdtm, adsl, settings, issues))
    datasets = {"ADSL": adsl, "ADPASI": adpasi, "ADAE": adae}
    sources = {  # dataset -> (source domain, what it needs, none there); ADPASI's source: NRI adds records to none
        "ADPASI": (study.pasi.domain, "PASI records", pasi.empty),
        "ADAE": ("AE", "records", adae.empty),
    }
    skipped = {name: _no_source(sdtm, dom, what) for name, (dom, what, empty) in sources.items() if empty}
    # the skip line says it once: no separate "domain not available" warning for a skipped dataset's source
    gone = {sources[name][0] for name in skipped}
    issues = [i for i in issues if not (i.code == "adam-input-missing" and i.variable is None and i.dataset in gone)]
    for name, why in skipped.items():
        del datasets[name]
        issues.append(Issue("adam-dataset-skipped", INFO, f"{name} not written: {why}", dataset=name))
    metadata = adam_metadata(datasets, study, settings)
    return AdamResult(datasets=datasets, metadata=metadata, issues=issues, settings=settings, skipped=skipped)


def _no_source(sdtm: Mapping[str, pd.DataFrame], dom: str, what: str) -> str:
    return f"no {what} in SDTM {dom}" + ("" if dom in sdtm else f" ({dom} was not converted)")


def render_summary(result: AdamResult, study: StudyConfig) -> str:
    """The reviewer's summary page (self-contained HTML, autoescaped, inline SVG)."""
    from sdtm_convert.adam.summary import render_summary as _render

    return _render(result, study)


__all__ = ["AdamResult", "build_adam", "render_summary"]
