"""Read an XPT file through pyreadstat, with metadata, an encoding fallback and clean errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat

from ..errors import WARNING, Issue, fatal
from .info import XptInfo, XptVariable, sas_datetime_text

FALLBACK = ("utf-8", "cp1252")  # XPT records no encoding; the CDISC pilot ts.xpt holds a cp1252 byte (0x92)


def read_xpt(path: str | Path, encoding: str | None = None) -> tuple[pd.DataFrame, XptInfo]:
    """Data (Char → str, Num → float64; SAS dates stay numbers) and what the file says about itself.

    ``encoding`` None tries UTF-8, then Windows-1252 (reported as an ``xpt-encoding-fallback`` warning
    in ``info.issues``). Any unreadable, truncated or non-XPT file raises ``SdtmConvertError``
    code ``xpt-unreadable`` naming the file.
    """
    path = Path(path)
    _check_size(path)
    tried = (encoding,) if encoding else FALLBACK
    for enc in tried:
        try:
            df, meta = pyreadstat.read_xport(str(path), encoding=enc, disable_datetime_conversion=True)
        except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, UnicodeError) as e:
            if "encoding" in str(e) or isinstance(e, UnicodeError):
                continue
            raise fatal("xpt-unreadable", f"not a readable XPT file: {e}", file=str(path)) from None
        info = _info(meta, len(df), enc)
        if enc != tried[0]:
            info.issues.append(
                Issue(
                    "xpt-encoding-fallback",
                    WARNING,
                    f"text is not {tried[0]}; read as {enc}",
                    file=str(path),
                    dataset=info.name,
                )
            )
        return df, info
    raise fatal("xpt-unreadable", f"text is not {' or '.join(tried)}", file=str(path))


def _check_size(path: Path) -> None:
    """readstat reads a file cut inside its last record without complaint: XPT is whole 80-byte records."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise fatal("xpt-unreadable", f"cannot open: {e.strerror}", file=str(path)) from None
    if size == 0 or size % 80:
        raise fatal(
            "xpt-unreadable", f"size {size} is not a positive multiple of 80 bytes (truncated?)", file=str(path)
        )


def _info(meta, records: int, encoding: str) -> XptInfo:
    kinds = meta.readstat_variable_types
    variables = [
        XptVariable(
            name=name,
            label=label or "",
            type="Char" if kinds[name] == "string" else "Num",
            length=int(meta.variable_storage_width[name]),
            format=_format(meta.original_variable_types.get(name)),
        )
        for name, label in zip(meta.column_names, meta.column_labels, strict=True)
    ]
    created, modified = (sas_datetime_text(t) if t else None for t in (meta.creation_time, meta.modification_time))
    return XptInfo(meta.table_name or "", meta.file_label or "", variables, records, encoding, created, modified)


def _format(text: str | None) -> str | None:
    """pyreadstat gives ``DATE9`` / ``8.2`` / ``$CHAR20``; define.xml style ends the width with a dot."""
    if not text:
        return None
    return text if "." in text else text + "."
