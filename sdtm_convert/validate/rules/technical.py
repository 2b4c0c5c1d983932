"""XPT/file technical rules: names, labels, lengths, ASCII, 200 bytes, file name, file size, format."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pandas as pd

from sdtm_convert.io.records import char_name
from sdtm_convert.validate.registry import Hits, rule

BOTH = ("sdtm", "adam")
_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,7}")
_NON_ASCII = r"[^\x20-\x7e]"
_CONTROL = r"[\x00-\x08\x0a-\x1f\x7f]"  # C0 control characters but the tab, and DEL (SC-TECH-016)
_OTHER_NON_PRINTABLE = r"[^\x00-\x08\x0a-\x1f\x7f\x20-\x7e]"  # non-ASCII, or a tab (SC-TECH-011)


def _printable_ascii(u: pd.Series) -> np.ndarray:
    """Text of printable ASCII only (U+0020 to U+007E; "" too): what almost every value is, and what none of the
    patterns here can find anything in."""
    return np.fromiter((isinstance(v, str) and v.isascii() and v.isprintable() for v in u.tolist()), dtype=bool,
                       count=len(u))


def _contains(u: pd.Series, pattern: str) -> pd.Series:
    """``u.str.contains(pattern)`` for a pattern of characters outside printable ASCII, the regex run only on the
    values holding such a character."""
    out = pd.Series(False, index=u.index, dtype=object)
    rest = ~_printable_ascii(u)
    if rest.any():
        out[rest] = u[rest].str.contains(pattern, regex=True)
    return out


def _non_ascii(u: pd.Series) -> pd.Series:
    return _contains(u, _NON_ASCII).fillna(False)


def _control(u: pd.Series) -> pd.Series:
    return _contains(u, _CONTROL).fillna(False)


def _p21_name_cols(ctx, ds) -> set[str]:
    """The variables P21 SD1029 (SC-TECH-010) checks for non-ASCII and non-printable characters."""
    p = ds.parent
    return {p + "TEST", p + "TESTCD", p + "PARM", p + "PARMCD", "QLABEL", "QNAM"} if ctx.kind == "sdtm" else set()


def _max_bytes(u: pd.Series, encoding: str | None) -> int:
    """Bytes of the longest value without trailing blanks (characters, unless a value is not printable ASCII:
    then each value encoded)."""
    texts = [v.rstrip() for v in u.tolist() if isinstance(v, str)]
    if not texts:
        return 0
    if all(t.isascii() and t.isprintable() for t in texts):
        return max(map(len, texts))
    return max(len(t.encode(encoding or "utf-8", errors="replace")) for t in texts)


def _char_cols(ds):
    return [c for c in ds.columns if not ds.is_numeric(c)]


@rule(
    "SC-TECH-001",
    per_dataset=True,
    category="technical",
    standards=BOTH,
    severity="error",
    message="Invalid dataset name",
    description="Dataset names are at most 8 characters, upper-case letters and digits, starting with a letter (FDA TCG, XPT v5).",
)
def dataset_name(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if not re.fullmatch(r"[A-Z][A-Z0-9]{0,7}", ds.name):
            yield Hits(ds.name, None, values=ds.name)


def _bad_variable_names(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c in ds.columns:
            if not _NAME.fullmatch(str(c)):
                yield Hits(ds.name, str(c), values=str(c))


@rule(
    "SC-TECH-002",
    per_dataset=True,
    category="technical",
    severity="error",
    message="Invalid variable name",
    description="Variable names are at most 8 characters, upper-case letters, digits and underscores, starting with a letter.",
)
def variable_name(ctx) -> Iterator[Hits]:
    yield from _bad_variable_names(ctx)


@rule("AD-TECH-002", category="technical", standards=("adam",), p21="AD0013", per_dataset=True)
def variable_name_adam(ctx) -> Iterator[Hits]:
    yield from _bad_variable_names(ctx)


def _long_labels(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c, lab in ds.labels.items():
            if lab and len(lab) > 40:
                yield Hits(ds.name, c, values=lab)


@rule(
    "SC-TECH-003",
    per_dataset=True,
    category="technical",
    severity="error",
    message="Variable label longer than 40 characters",
    description="Variable labels are at most 40 characters (XPT v5, FDA TCG).",
)
def variable_label_length(ctx) -> Iterator[Hits]:
    yield from _long_labels(ctx)


@rule("AD-TECH-003", category="technical", standards=("adam",), p21="AD0016", per_dataset=True)
def variable_label_length_adam(ctx) -> Iterator[Hits]:
    yield from _long_labels(ctx)


@rule(
    "SC-TECH-004",
    per_dataset=True,
    category="technical",
    standards=BOTH,
    severity="warning",
    message="Dataset label missing or longer than 40 characters",
    description="Every dataset carries a label of at most 40 characters (FDA TCG); XPT files written without one lose it.",
)
def dataset_label(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if ds.source == "frame" and ds.label is None:
            continue  # frames given directly: no label supplied is not a file defect
        if not ds.label or len(ds.label) > 40:
            yield Hits(ds.name, None, values=ds.label or "")


@rule(
    "SC-TECH-005",
    per_dataset=True,
    category="technical",
    standards=BOTH,
    severity="error",
    message="Non-ASCII or unbalanced characters in a label",
    description="Dataset and variable labels use printable ASCII only, without unbalanced quotes or brackets (FDA TCG).",
)
def label_ascii(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        labels = dict(ds.labels)
        if ds.label:
            labels[None] = ds.label
        for c, lab in labels.items():
            if lab and (re.search(_NON_ASCII, lab) or lab.count("(") != lab.count(")") or lab.count('"') % 2):
                yield Hits(ds.name, c, values=lab)


@rule(
    "SC-TECH-006",
    per_dataset=True,
    category="technical",
    standards=BOTH,
    severity="error",
    message="Character value longer than 200 bytes",
    description="XPT v5 character values hold at most 200 bytes; longer text goes to SUPP-- (SDTMIG 4.5.3).",
)
def value_200_bytes(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c in _char_cols(ds):
            if _max_bytes(ds.uniques(c), ds.encoding) > 200:
                s = ds.frame[c]
                yield Hits(ds.name, c, s.str.encode(ds.encoding or "utf-8", errors="replace").str.len() > 200)


@rule(
    "SC-TECH-007",
    per_dataset=True,
    category="technical",
    standards=BOTH,
    severity="error",
    message="Variable length greater than 200",
    description="XPT v5 character variables are at most 200 bytes long.",
)
def variable_length_200(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c, n in ds.lengths.items():
            if n and n > 200:
                yield Hits(ds.name, c, values=n)


@rule(
    "SC-TECH-008",
    per_dataset=True,
    category="technical",
    standards=BOTH,
    severity="error",
    message="File name does not match the dataset name",
    description="One dataset per file; the file name is the lower-case dataset name (dm.xpt holds member DM).",
)
def file_name(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if ds.file and ds.member_name and ds.file.rsplit(".", 1)[0].upper() != ds.member_name.upper():
            yield Hits(ds.name, None, values=f"{ds.file} holds {ds.member_name}")
        elif ds.file and ds.file != ds.file.lower():
            yield Hits(ds.name, None, values=ds.file, message="File name is not lower case")


@rule("SC-TECH-009", category="technical", standards=BOTH, p21="SD1071", per_dataset=True)
def file_size(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if ds.file_size and ds.file_size > 5 * 1024**3:
            yield Hits(ds.name, None, values=ds.file_size)


@rule(
    "SC-TECH-015",
    per_dataset=True,
    category="technical",
    standards=BOTH,
    severity="error",
    message="Dataset-JSON records differs from the rows the file holds",
    description="A Dataset-JSON file states its number of records (``records``) so that a truncated or padded "
    "transfer is caught: the rows it holds must number exactly that.",
)
def declared_records(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        n = ds.declared_records
        if n is not None and (isinstance(n, bool) or n != ds.records):
            yield Hits(ds.name, None, values=f"{ds.file} declares records {n!r} and holds {ds.records} rows",
                       count=1)


@rule("SC-TECH-010", category="technical", p21="SD1029", per_dataset=True)
def non_ascii_names(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        p = ds.parent
        for c in (p + "TEST", p + "TESTCD", p + "PARM", p + "PARMCD", "QLABEL", "QNAM"):
            if c in ds.columns and not ds.is_numeric(c):
                yield Hits(ds.name, c, ds.rows_where(c, _non_ascii))


@rule(
    "SC-TECH-011",
    per_dataset=True,
    category="technical",
    standards=BOTH,
    severity="warning",
    message="Non-ASCII character in a value",
    description="Values should be printable ASCII (FDA TCG: XPT records no encoding; e.g. a Windows-1252 apostrophe 0x92).",
)
def non_ascii_values(ctx) -> Iterator[Hits]:
    """Non-ASCII characters and tabs; the other control characters are SC-TECH-016's."""
    for ds in ctx.datasets():
        p21_cols = _p21_name_cols(ctx, ds)
        for c in _char_cols(ds):
            if c in p21_cols:
                continue
            yield Hits(ds.name, c, ds.rows_where(c, lambda u: _contains(u, _OTHER_NON_PRINTABLE)))


def _shown(value: str) -> str:
    """A value with each control character written ``<U+0000>``, safe in every report."""
    return re.sub(_CONTROL, lambda m: f"<U+{ord(m.group()):04X}>", value)


@rule(
    "SC-TECH-016",
    per_dataset=True,
    category="technical",
    standards=BOTH,
    severity="error",
    message="Control character in a value",
    description="A value holds a control character (U+0000 to U+001F but the tab, or U+007F): XPT readers "
    "(SAS, pyreadstat, R haven) end a value at a NUL byte, so the data read differ from the data sent, and line "
    "breaks split records in text exports. One finding per dataset and variable, on its first record, naming "
    "the characters and the number of records. (P21 SD1029 checks --TEST, --TESTCD, --PARM, --PARMCD, QLABEL and "
    "QNAM, SC-TECH-010; this rule checks every other text variable.)",
)
def control_characters(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        p21_cols = _p21_name_cols(ctx, ds)
        for c in _char_cols(ds):
            if c in p21_cols:
                continue
            u = ds.uniques(c)
            hit = u[_control(u).to_numpy(dtype=bool)] if len(u) else u
            if not len(hit):
                continue
            pos = np.flatnonzero(ds.frame[c].isin(set(hit)).to_numpy())
            chars = sorted({ord(ch) for v in hit for ch in re.findall(_CONTROL, v)})
            n = len(pos)
            yield Hits(ds.name, c, pos[:1], values=_shown(str(ds.frame[c].iat[pos[0]])), count=n,
                       message=f"Control character {', '.join(map(char_name, chars))} in a value, "
                               f"{n} record{'s' if n != 1 else ''}")


@rule("SC-TECH-012", category="technical", p21="SD1082", per_dataset=True)
def length_too_long(ctx) -> Iterator[Hits]:
    """P21 SD1082 "Variable length is too long for actual data": Variable length should be assigned based on
    actual stored data to minimize file size. Datasets should be re-sized to the maximum length of actual data
    used prior to splitting.

    Split datasets (LBCH/LBHE/LBUR, SUPPLBCH/...) are judged as their domain: a length is too long when it
    exceeds the longest value of the variable in every split of the domain."""
    for ds in ctx.datasets():
        if ds.source != "xpt":
            continue
        for c in _char_cols(ds):
            alloc = ds.lengths.get(c)
            if not alloc:
                continue
            used = _max_bytes(ds.uniques(c), ds.encoding)
            if used < alloc:  # the other splits of the domain may need the length
                used = max([used] + [_max_bytes(d.uniques(c), d.encoding) for d in ctx.package.by_domain(ds.domain)
                                     if d is not ds and d.source == "xpt" and c in d.columns])
            if used < alloc and not (used == 0 and alloc == 1):  # XPT has no 0-byte column: 1 is the floor
                yield Hits(ds.name, c, values=f"length {alloc}, longest value {used}")


@rule("SC-TECH-013", category="technical", standards=BOTH, p21="SD0062")
def transport_version(ctx) -> Iterator[Hits]:
    from pathlib import Path

    from sdtm_convert.validate.xpt_header import read_header

    for ds in ctx.datasets():
        if ds.source == "xpt" and ctx.package.path:
            folder = Path(ctx.package.path)
            p = folder / ds.file if folder.is_dir() else folder
            if read_header(p)["version"] != "5":
                yield Hits(ds.name, None, values="XPT version 8", message="Dataset is not a SAS XPORT version 5 file")


@rule("SC-TECH-014", category="technical", p21="SD1116")
def split_lengths(ctx) -> Iterator[Hits]:
    """P21 SD1116 "Inconsistent variable length within split datasets": Split datasets should have matching
    variable lengths for future merges. Datasets should be resized to the maximum length used prior to
    splitting.

    Each split whose length of a variable is below the longest length of that variable in the domain."""
    groups: dict[str, list] = {}
    for ds in ctx.datasets():
        if ds.name != ds.domain or ds.domain.startswith("SUPP"):
            groups.setdefault(ds.domain, []).append(ds)
    for dom, parts in groups.items():
        if len(parts) < 2:
            continue
        lens = pd.DataFrame([{"ds": d.name, **d.lengths} for d in parts]).set_index("ds")
        for c in lens.columns:
            col = lens[c].dropna()
            if col.nunique() > 1:
                for name, n in col.items():
                    if n != col.max():
                        yield Hits(str(name), c, values=f"length {int(n)}; {int(col.max())} in another {dom} split")
