"""What one part of a run produced: its issues, output paths, timings and conformance results.

A part changes nothing shared, so it can run in a worker process; the run adds the parts together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sdtm_convert.errors import Issue


@dataclass
class Part:
    issues: list[Issue] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    conformance: dict[str, Any] = field(default_factory=dict)  # kind → validate.run.Conformance

    def add(self, other: Part) -> Part:
        self.issues += other.issues
        self.outputs |= other.outputs
        self.timings |= other.timings
        self.conformance |= other.conformance
        return self
