"""What a conversion gives: :class:`Conversion` (the SDTM frames, metadata, reconciliation, issues) and
:class:`RunResult` (a run's written package and reports)."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.common.part import Part
from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.io.raw import RawDataset
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.spec.model import StudySpec


@dataclass
class Conversion:
    """A converted study (see :func:`convert`): ``sdtm`` (domain → frame), ``metadata`` (domain → DatasetMeta),
    ``reconciliation`` (per raw file or frame: rows read, mapped, rejected, unaccounted, and per domain),
    ``rejects`` (raw row → reason), ``lineage`` (SDTM record → raw file or frame and row), ``issues`` and
    ``errors``; ``spec`` is the mapping spec (``spec.study`` the study configuration)."""

    spec: StudySpec
    raw: dict[str, RawDataset]
    sdtm: MutableMapping[str, pd.DataFrame] = field(default_factory=dict)  # a FrameStore once converted
    metadata: dict[str, DatasetMeta] = field(default_factory=dict)
    lineage: pd.DataFrame | None = None
    reconciliation: pd.DataFrame | None = None
    rejects: pd.DataFrame | None = None
    issues: list[Issue] = field(default_factory=list)
    adam: Any = None
    timings: dict[str, float] = field(default_factory=dict)
    conformance: dict[str, Any] = field(default_factory=dict)  # kind → validate.run.Conformance
    guides: Any = None  # package.guides.Guides: the reviewer's guides written and the findings unexplained

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    def absorb(self, part: Part) -> None:
        """Take in what the writing and validation stages found: their issues, timings and conformance."""
        self.issues += part.issues
        self.timings |= part.timings
        self.conformance = part.conformance


@dataclass
class RunResult:
    """What :func:`run_study` wrote: ``out``, the conversion report paths, ``outputs`` (relative paths by kind)
    and the :class:`Conversion`; ``ok`` when the study has no error."""

    conversion: Conversion
    out: Path
    report_json: Path
    report_html: Path
    outputs: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.conversion.errors
