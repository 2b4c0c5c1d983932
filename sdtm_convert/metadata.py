"""Dataset/variable metadata: the one description of every written dataset.

The pipeline fills these while it builds each dataset (from the mapping spec, the standards metadata
and the data actually written); the XPT writer, Dataset-JSON, define.xml/define.html and the
validator's define-vs-data checks all read the same objects. No second hand-kept copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Define-XML 2.1 origin types
COLLECTED = "Collected"
ASSIGNED = "Assigned"
DERIVED = "Derived"
PROTOCOL = "Protocol"
PREDECESSOR = "Predecessor"
NOT_AVAILABLE = "Not Available"


@dataclass
class Method:
    id: str  # e.g. "MT.AE.AESEQ"
    name: str
    type: str  # "Computation" | "Imputation"
    description: str
    # from the sponsor's define spec (define.yaml): a document (id of its Documents) and pages, an expression
    document: str | None = None
    pages: str | None = None
    expression_context: str | None = None
    expression_code: str | None = None


@dataclass
class WhereClause:
    """All conditions must hold (a composite where-clause is kept whole)."""

    id: str
    conditions: list[tuple[str, str, list[str]]]  # (dataset.variable or variable, comparator "EQ"|"IN"|..., values)


@dataclass
class ValueLevel:
    """Value-level metadata for one variable under one where-clause (e.g. QSORRES when QSTESTCD = X)."""

    variable: str
    where: WhereClause
    label: str
    type: str  # "text" | "integer" | "float" | "date" | "datetime"
    length: int | None = None
    codelist: str | None = None
    origin_type: str = COLLECTED
    origin_source: str | None = None
    method_id: str | None = None
    mandatory: bool = False  # Define-XML ItemRef Mandatory in the ValueListDef
    significant_digits: int | None = None
    comment: str | None = None
    comment_id: str | None = None  # a comment of the define spec (its text and document there), instead of comment
    pages: str | None = None  # annotated CRF pages of a collected value (define spec)


@dataclass
class VariableMeta:
    name: str
    label: str
    type: str  # "Char" | "Num" (XPT storage type)
    length: int  # bytes written for Char (= longest value, at least 1); 8 for Num
    data_type: str = "text"  # Define-XML DataType: text|integer|float|date|datetime|partialDate|...
    core: str = "Perm"  # Req | Exp | Perm (SDTMIG/ADaMIG core) or "Cond"
    role: str | None = None
    origin_type: str = COLLECTED
    origin_source: str | None = None  # "Investigator" | "Sponsor" | "Subject" | "Vendor"
    codelist: str | None = None  # CT codelist C-code or sponsor codelist id
    method_id: str | None = None
    comment: str | None = None
    significant_digits: int | None = None
    display_format: str | None = None  # e.g. "DATE9."
    source: str | None = None  # human-readable source, e.g. "ae.csv AE_TERM"
    comment_id: str | None = None  # a comment of the define spec (its text and document there), instead of comment
    pages: str | None = None  # annotated CRF pages of a collected value (define spec)


@dataclass
class DatasetMeta:
    """One dataset's metadata (label, class, structure, keys, variables, value level, methods): what the XPT
    and Dataset-JSON writers, define.xml and the validator's define-vs-data checks read."""

    name: str  # upper-case, e.g. "AE", "SUPPAE", "ADSL"
    label: str
    class_: str  # e.g. "EVENTS", "SPECIAL PURPOSE", "SUBJECT LEVEL ANALYSIS DATASET"
    structure: str
    keys: list[str]
    variables: list[VariableMeta]
    standard: str = "SDTMIG 3.4"  # or "ADaMIG 1.3"
    value_level: list[ValueLevel] = field(default_factory=list)
    methods: list[Method] = field(default_factory=list)
    comment: str | None = None
    comment_id: str | None = None  # a comment of the define spec, instead of comment
    records: int = 0

    def variable(self, name: str) -> VariableMeta:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)


def max_utf8_bytes(values: pd.Series) -> int:
    """Longest UTF-8 byte length of a text column (no per-value Python call: Arrow or character counts)."""
    if len(values) == 0:
        return 0
    arr = values.array
    if hasattr(arr, "__arrow_array__"):
        import pyarrow as pa
        import pyarrow.compute as pc

        return int(pc.max(pc.binary_length(pa.array(arr))).as_py() or 0)
    chars = values.str.len()
    wide = ~values.str.isascii().fillna(True).astype(bool)  # only non-ASCII values have more bytes than characters
    if wide.any():
        chars = chars.where(~wide, values[wide].str.encode("utf-8").str.len())
    return int(chars.max() or 0)


def _most_common(values: pd.Series) -> str:
    """The most frequent non-blank text value ('' when there is none; missing values never count)."""
    vals = values.dropna().astype(str).str.strip()
    modes = vals[vals != ""].mode(dropna=True)
    return str(modes.iloc[0]) if len(modes) else ""


def dataset_domain(name: str, frame: pd.DataFrame) -> str:
    """Domain code of a dataset: DOMAIN value for SDTM (LBCH → LB), RDOMAIN parent for SUPP--, else the name."""
    name = name.upper()
    if name.startswith("SUPP") and "RDOMAIN" in frame.columns:
        return "SUPP" + (_most_common(frame["RDOMAIN"]) or name[4:6])
    if "DOMAIN" in frame.columns:
        dom = _most_common(frame["DOMAIN"])
        if dom and name.startswith(dom):
            return dom
    return name
