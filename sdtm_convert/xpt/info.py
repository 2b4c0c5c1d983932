"""What an XPT reader reports about a dataset: names, labels, types, lengths, formats (shared by both readers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..errors import Issue
from ..metadata import DatasetMeta, VariableMeta


@dataclass(frozen=True)
class XptVariable:
    name: str
    label: str
    type: str  # "Char" | "Num"
    length: int  # bytes in the observation record
    format: str | None = None  # display format as written in define.xml style, e.g. "DATE9.", "8.2", "$CHAR20."


@dataclass
class XptInfo:
    name: str  # member (dataset) name
    label: str
    variables: list[XptVariable]
    records: int
    encoding: str  # encoding the character data was decoded with
    created: str | None = None  # header text, e.g. "25NOV26:00:00:00" (None when the reader does not expose it)
    modified: str | None = None
    issues: list[Issue] = field(default_factory=list)  # non-fatal reader findings (e.g. encoding fallback)

    def variable(self, name: str) -> XptVariable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    def to_dataset_meta(self, *, class_: str = "", structure: str = "", keys: list[str] | None = None) -> DatasetMeta:
        """A :class:`DatasetMeta` describing the file as read (for define-vs-data comparisons)."""
        variables = [
            VariableMeta(name=v.name, label=v.label, type=v.type, length=v.length, display_format=v.format)
            for v in self.variables
        ]
        return DatasetMeta(
            name=self.name,
            label=self.label,
            class_=class_,
            structure=structure,
            keys=list(keys or []),
            variables=variables,
            records=self.records,
        )


def format_text(name: str, width: int, decimals: int) -> str | None:
    """SAS format parts → text (``DATE`` 9 0 → ``DATE9.``); None when no format is set."""
    name = name.strip()
    if not name and not width and not decimals:
        return None
    return f"{name}{width or ''}.{decimals or ''}"


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def sas_datetime_text(moment: datetime) -> str:
    """``ddMMMyy:hh:mm:ss`` as in XPT headers, English upper-case month whatever the locale."""
    return f"{moment.day:02d}{_MONTHS[moment.month - 1]}{moment.year % 100:02d}:{moment:%H:%M:%S}"
