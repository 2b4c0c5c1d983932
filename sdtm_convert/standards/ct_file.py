"""A CT file given by the user (``--ct FILE``): the NCI EVS layout as text (tab-delimited, also gzipped), CSV
or Excel (.xlsx), as published for SDTM, ADaM or Define-XML CT.

Columns by position: Code, Codelist Code, Codelist Extensible (Yes/No), Codelist Name, CDISC Submission Value,
CDISC Synonym(s), CDISC Definition, NCI Preferred Term; a codelist's own row has no Codelist Code. The Excel
file's terminology sheet is the first one whose header row (within its first 10 rows) holds "Codelist Code".
"""

from __future__ import annotations

import gzip
import io
from functools import cache
from pathlib import Path

import pandas as pd

from sdtm_convert.errors import fatal
from sdtm_convert.standards.ct import ControlledTerminology, table_from_evs

SUFFIXES = (".txt", ".txt.gz", ".csv", ".xlsx")
_HEADER = "Codelist Code"


def is_ct_file(ref: str) -> bool:
    """A ``--ct`` value naming a file (by its suffix) rather than a CT version."""
    return ref.lower().endswith(SUFFIXES)


def _excel(path: Path) -> pd.DataFrame:
    sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str, keep_default_na=False)
    for frame in sheets.values():
        for i in range(min(10, len(frame))):
            if _HEADER in [str(v).strip() for v in frame.iloc[i]]:
                body = frame.iloc[i + 1:].reset_index(drop=True)
                body.columns = [str(v) for v in frame.iloc[i]]
                return body
    raise ValueError(f"no sheet with a '{_HEADER}' header row")


def _read(path: Path) -> pd.DataFrame:
    name = path.name.lower()
    if name.endswith(".xlsx"):
        return _excel(path)
    data = path.read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    sep = "," if name.endswith(".csv") else "\t"
    return pd.read_csv(io.BytesIO(data), sep=sep, dtype=str, keep_default_na=False, quoting=3 if sep == "\t" else 0)


@cache
def load_ct_file(ref: str) -> ControlledTerminology:
    """The terms of one CT file (its version is the file name as given). One clear error when it cannot be read
    or is not in the NCI EVS layout."""
    path = Path(ref)
    try:
        raw = _read(path)
    except (OSError, ValueError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        raise fatal("ct-file-unreadable", f"{path.name} cannot be read as a CT file: {exc}", file=path.name) from None
    if raw.shape[1] < 8 or str(raw.columns[1]).strip() != _HEADER:
        got = ", ".join(str(c) for c in raw.columns[:8])
        raise fatal("ct-file-layout", f"{path.name} is not in the NCI EVS CT layout: its columns are {got}; expected "
                    "Code, Codelist Code, Codelist Extensible (Yes/No), Codelist Name, CDISC Submission Value, "
                    "CDISC Synonym(s), CDISC Definition, NCI Preferred Term", file=path.name)
    table = table_from_evs(raw)
    if table.empty:
        raise fatal("ct-file-layout", f"{path.name} holds no codelist terms", file=path.name)
    return ControlledTerminology(ref, table, {"SDTM": path.name}, "file", str(path))
