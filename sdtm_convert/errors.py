"""Typed problems: collected as :class:`Issue` records, raised only when fatal (:class:`SdtmConvertError`).

Every issue has a stable ``code`` (tests assert codes, never message text), a severity and, where
known, the provenance of the value: raw file, 1-based data row, column, value, and the SDTM
dataset/variable/subject it concerns.

Positions: ``row`` is a *data row*, counted from 1 after the header line, so data row N is line N+1 of a
CSV file with its one header line when no value holds a line break (and row N+1 of a sheet); it reads
``data row N``. ``line`` is a line of a text file such as a YAML spec or a raw CSV (1-based, as an editor
shows it); it reads ``line N``. A fault in a CSV's structure gives both.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Issue:
    """One problem found: a stable ``code``, a severity (error, warning, info), the message, and where it is
    (raw file or frame, 1-based row, column, value; SDTM dataset, variable, subject). ``one_line()`` says it all."""

    code: str
    severity: str
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    dataset: str | None = None
    variable: str | None = None
    usubjid: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    line: int | None = None  # 1-based line of a text file (spec YAML); ``row`` is a data row

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def where(self) -> str:
        """Human-readable location: ``dm.csv, data row 12, column SEX``, ``dm.yaml, line 7`` or ``record 3, SE.SESTDTC``.

        A row with a file is a data row of that raw file (data row N = line N+1 of a CSV); without one, or with an
        output file (``.xpt``, ``.json``, ``.ndjson``), it is the 1-based record of the dataset (an output or a
        validated package).
        """
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"data row {self.row}" if self.file and not _is_output(self.file) else f"record {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        if self.dataset and not self.file:
            parts.append(self.dataset + (f".{self.variable}" if self.variable else ""))
        return ", ".join(parts)

    def one_line(self) -> str:
        loc = self.where()
        val = f" (value {self.value!r})" if self.value is not None else ""
        return f"{self.severity}: [{self.code}] {loc + ': ' if loc else ''}{self.message}{val}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if not d["extra"]:
            d.pop("extra")
        if d["line"] is None:
            d.pop("line")
        return d


def _is_output(file: str) -> bool:
    return str(file).lower().endswith((".xpt", ".json", ".ndjson", ".dsjc"))


class SdtmConvertError(Exception):
    """The one exception type for bad input that stops a stage. The CLI prints ``issue.one_line()``."""

    def __init__(self, issue: Issue):
        super().__init__(issue.one_line())
        self.issue = issue

    def __reduce__(self) -> tuple[type, tuple[Issue]]:  # picklable, so a worker process can hand it back
        return (type(self), (self.issue,))


def fatal(code: str, message: str, **where: Any) -> SdtmConvertError:
    """Build (not raise) a fatal error: ``raise fatal("raw-file-missing", "...", file=p)``."""
    return SdtmConvertError(Issue(code, ERROR, message, **where))
