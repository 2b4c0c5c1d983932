"""The sponsor's explanations of conformance findings: ``mappings/<study>/explanations.yaml``.

The file is the carrier from one data transfer to the next: it lives with the spec, each run matches it with the
findings its validation leaves and writes them into the reviewer's guides (``package/guides``). One entry explains
the findings of one rule in one dataset, optionally of one variable and of values matching a regular expression::

    explanations:
      - rule: CT2002              # ours (SC-CT-002), Pinnacle 21, CDISC (CG/CORE) or FDA id
        dataset: QS               # for a missing dataset (SD1107): that dataset
        variable: QSCAT
        value: PASI FREDRIKSSON   # a regular expression matched against the whole value
        explanation: The PASI category of CDISC's Clinical Classification ...

Checked like every spec file before any data is read: its JSON Schema (file and line of a wrong key or value), then
each ``value`` pattern compiles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sdtm_convert.errors import ERROR, Issue, SdtmConvertError
from sdtm_convert.spec.loader import key_line, load_yaml_validated_with_node

FILE_NAME = "explanations.yaml"


@dataclass(frozen=True)
class Explanation:
    """One entry of explanations.yaml: what findings it explains, why, and where it is written (file, line)."""

    rule: str
    dataset: str
    explanation: str
    variable: str | None = None
    value: re.Pattern[str] | None = None
    file: str = FILE_NAME
    line: int | None = None

    def where(self) -> str:
        """``rule CT2002, QS.QSCAT, value /PASI FREDRIKSSON/``: what the entry is about, for messages."""
        target = self.dataset + (f".{self.variable}" if self.variable else "")
        value = f", value /{self.value.pattern}/" if self.value is not None else ""
        return f"rule {self.rule}, {target}{value}"


def load_explanations(folder: str | Path) -> list[Explanation]:
    """The explanations of a spec folder, in file order ([] when it has no explanations.yaml). A schema error or a
    ``value`` that is not a regular expression raises :class:`SdtmConvertError` naming the file and line."""
    path = Path(folder) / FILE_NAME
    if not path.is_file():
        return []
    data, node = load_yaml_validated_with_node(path, "explanations")
    out = []
    for i, entry in enumerate(data["explanations"]):
        line = key_line(node, ["explanations", i], "rule")
        pattern = None
        if "value" in entry:
            try:
                pattern = re.compile(entry["value"])
            except re.error as exc:
                raise SdtmConvertError(Issue("spec-invalid", ERROR, f"explanations value {entry['value']!r} is not a "
                                             f"regular expression ({exc})", file=str(path),
                                             line=key_line(node, ["explanations", i], "value"))) from None
        out.append(Explanation(entry["rule"], entry["dataset"], entry["explanation"].strip(), entry.get("variable"),
                               pattern, str(path), line))
    return out
