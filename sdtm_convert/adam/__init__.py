"""ADaM: the derivation library (:mod:`sdtm_convert.adam.derive`) and the study's ADSL, ADPASI, ADAE,
one descriptor each in :mod:`sdtm_convert.adam.datasets`.

``build_adam(sdtm, study)`` → :class:`AdamResult` (datasets, metadata, issues, skipped), built in ``needs``
order (:mod:`sdtm_convert.adam.run`). A dataset whose source SDTM records are absent (ADPASI without PASI
records in the study's PASI domain, ADAE without AE records) is not built at all: it is left out of ``datasets`` (so of the files, define.xml,
the validation and the manifest) and named in ``skipped`` with the reason, reported as info
``adam-dataset-skipped``.
``render_summary(result, study, links)`` → the reviewer's self-contained HTML summary page.
"""

from __future__ import annotations

from collections.abc import Sequence

from sdtm_convert.adam.run import AdamResult, build_adam
from sdtm_convert.spec.study import StudyConfig


def render_summary(result: AdamResult, study: StudyConfig, links: Sequence[tuple[str, str]] = ()) -> str:
    """The reviewer's summary page (self-contained HTML, autoescaped, inline SVG); ``links``: (label, href)
    pairs to the package's other files, hrefs relative to the page."""
    from sdtm_convert.adam.summary import render_summary as _render

    return _render(result, study, links)


__all__ = ["AdamResult", "build_adam", "render_summary"]
