"""Independent XPT v5 reader written from SAS TS-140 (no pyreadstat, no pandas).

The file is a sequence of 80-byte records: a library header (3 records), then per member a member
header, a descriptor header, two member records, a NAMESTR header, one 140-byte NAMESTR per variable
(packed, padded to 80), an OBS header and the observations (fixed length, packed, the last record
padded with blanks). Numbers are IBM doubles (:mod:`.ibm`). Used as the test oracle for our writer
and as a validation reader: every structural fault raises ``SdtmConvertError`` code ``xpt-corrupt``.

Record count: V5 does not store it. Padding is < 80 bytes of blanks, so with observations shorter
than 80 bytes trailing all-blank observations cannot be told from padding; they are taken as padding
(as SAS does). With observations of 80 bytes or more the count is exact.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import SdtmConvertError, fatal
from .ibm import ibm_to_ieee, widen
from .info import XptInfo, XptVariable, format_text

_HDR = b"HEADER RECORD*******"
LIBRARY = _HDR + b"LIBRARY HEADER RECORD!!!!!!!000000000000000000000000000000  "
MEMBER = _HDR + b"MEMBER  HEADER RECORD!!!!!!!"
DSCRPTR = _HDR + b"DSCRPTR HEADER RECORD!!!!!!!"
NAMESTR = _HDR + b"NAMESTR HEADER RECORD!!!!!!!"
OBS = _HDR + b"OBS     HEADER RECORD!!!!!!!"
_NAMESTR_140 = struct.Struct(">hhhh8s40s8shhh2s8shhl52s")
FALLBACK_ENCODINGS = ("utf-8", "cp1252")


@dataclass
class V5Member:
    info: XptInfo
    columns: dict[str, np.ndarray]  # float64 (NaN = missing) or object array of str (trailing blanks removed)
    missing: dict[str, np.ndarray] = field(default_factory=dict)  # numeric vars: '' or '.', 'A'-'Z', '_'


@dataclass
class _Namestr:
    ntype: int
    length: int
    name: bytes
    label: bytes
    format: str | None
    position: int


class _Reader:
    def __init__(self, buf: bytes | mmap.mmap, where: str):
        self.buf, self.where, self.size = buf, where, len(buf)

    def fail(self, message: str) -> SdtmConvertError:
        return fatal("xpt-corrupt", message, file=self.where)

    def record(self, offset: int, expect: bytes = b"", what: str = "record") -> bytes:
        if offset + 80 > self.size:
            raise self.fail(f"file ends inside the {what} at byte {offset} (truncated?)")
        rec = bytes(self.buf[offset : offset + 80])
        if not rec.startswith(expect):
            raise self.fail(f"expected the {what} at byte {offset}, found {rec[:48]!r}")
        return rec


def read_v5(path: str | Path, encoding: str | None = None) -> V5Member:
    """Read a one-dataset XPT v5 file (the FDA layout). ``encoding`` None = UTF-8, else Windows-1252."""
    members = read_v5_members(path, encoding)
    if len(members) != 1:
        raise fatal("xpt-corrupt", f"expected one dataset, the file holds {len(members)}", file=str(path))
    return members[0]


def read_v5_members(path: str | Path, encoding: str | None = None, *, data: bool = True) -> list[V5Member]:
    """All members of an XPT v5 file; ``data=False`` reads headers only (columns left empty)."""
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            return parse_v5(b"", where=str(path), encoding=encoding, data=data)
        with open(path, "rb") as fh:
            # memory-mapped: the file's bytes are never copied whole, only the decoded columns are built
            buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            try:
                return parse_v5(buf, where=str(path), encoding=encoding, data=data)
            finally:
                _close(buf)
    except OSError as e:
        raise fatal("xpt-corrupt", f"cannot open: {e.strerror}", file=str(path)) from None


def _close(buf: mmap.mmap) -> None:
    """Unmap now; a numpy view still held (by the traceback of an error being raised) leaves it to the
    garbage collector instead of hiding that error behind a BufferError."""
    try:
        buf.close()
    except BufferError:
        pass


def read_v5_layout(path: str | Path) -> tuple[int, int, int]:
    """``(observations start, observation length, variables)`` of the file's first member, from its
    headers alone (the first few hundred bytes and the NAMESTR records): what a caller needs to size the
    file's data before reading any of it. Structural faults raise ``xpt-corrupt`` as :func:`parse_v5`."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(640)
            r = _Reader(head, str(path))
            if len(head) < 640 or r.record(0, what="library header") != LIBRARY:
                raise r.fail("not a complete XPT v5 header (truncated, or not a V5 transport file)")
            namestr_len, nvars, _, _ = _member_head(r, 240)
            names = head + fh.read(_namestr_block(nvars, namestr_len))
    except OSError as e:
        raise fatal("xpt-corrupt", f"cannot open: {e.strerror}", file=str(path)) from None
    r = _Reader(names, str(path))
    namestrs = [_parse_namestr(r, 640 + i * namestr_len, namestr_len) for i in range(nvars)]
    data_at = 640 + _namestr_block(nvars, namestr_len) + 80
    return data_at, _obs_len(namestrs), nvars


def _namestr_block(nvars: int, namestr_len: int) -> int:
    """Bytes of a member's NAMESTR records, padded to whole 80-byte records."""
    return -(-nvars * namestr_len // 80) * 80


def _obs_len(namestrs: list[_Namestr]) -> int:
    """Bytes of one observation: the end of the variable that ends last."""
    return max((n.position + n.length for n in namestrs), default=0)


def parse_v5(
    buf: bytes | mmap.mmap, *, where: str = "<bytes>", encoding: str | None = None, data: bool = True
) -> list[V5Member]:
    r = _Reader(buf, where)
    if r.size == 0:
        raise r.fail("file is empty")
    if r.size % 80:
        raise r.fail(f"size {r.size} is not a multiple of 80 bytes (truncated?)")
    first = r.record(0, what="library header")
    if first != LIBRARY:
        kind = "a V8/V9 transport file, not V5" if b"LIBV8" in first else "not a SAS transport (XPT) file"
        raise r.fail(f"{kind}: first record is {first[:48]!r}")
    r.record(80, b"SAS     SAS     SASLIB  ", "first real header")
    r.record(160, what="second real header")
    members, offset = [], 240
    while offset < r.size:
        member, offset = _parse_member(r, offset, encoding, data)
        members.append(member)
    if not members:
        raise r.fail("no dataset (member header) in the file")
    return members


def _member_head(r: _Reader, offset: int) -> tuple[int, int, bytes, bytes]:
    """``(NAMESTR length, variables, member record 1, member record 2)`` of the member at ``offset``."""
    head = r.record(offset, MEMBER, "member header")
    try:
        namestr_len = int(head[74:78])
    except ValueError:
        raise r.fail(f"member header at byte {offset} has no NAMESTR length") from None
    if namestr_len not in (136, 140):
        raise r.fail(f"NAMESTR length {namestr_len} (expected 140 or 136)")
    r.record(offset + 80, DSCRPTR, "descriptor header")
    rec1 = r.record(offset + 160, b"SAS     ", "member header data")
    rec2 = r.record(offset + 240, what="second member header data")
    nhead = r.record(offset + 320, NAMESTR, "NAMESTR header")
    try:
        nvars = int(nhead[54:58])
    except ValueError:
        raise r.fail(f"NAMESTR header at byte {offset + 320} has no variable count") from None
    return namestr_len, nvars, rec1, rec2


def _parse_member(r: _Reader, offset: int, encoding: str | None, data: bool) -> tuple[V5Member, int]:
    namestr_len, nvars, rec1, rec2 = _member_head(r, offset)
    start = offset + 400
    namestrs = [_parse_namestr(r, start + i * namestr_len, namestr_len) for i in range(nvars)]
    obs_at = start + _namestr_block(nvars, namestr_len)
    r.record(obs_at, OBS, "OBS header")
    data_at = obs_at + 80
    data_end = _next_member(r, data_at)
    obs_len = _obs_len(namestrs)
    nrec = _record_count(r, data_at, data_end, obs_len)
    if nrec and any(n.ntype == 2 for n in namestrs):
        _no_zero_fill(r, data_at + (nrec - 1) * obs_len, obs_len, nrec)
    last_error = ""
    for enc in (encoding,) if encoding else FALLBACK_ENCODINGS:
        try:
            member = _decode(r, namestrs, rec1, rec2, data_at, nrec, obs_len, enc, data)
            return member, data_end
        except UnicodeDecodeError as e:
            last_error = str(e)
    raise fatal(
        "xpt-encoding",
        f"text is not {' or '.join((encoding,) if encoding else FALLBACK_ENCODINGS)}: {last_error}",
        file=r.where,
    )


def _parse_namestr(r: _Reader, at: int, size: int) -> _Namestr:
    if at + size > r.size:
        raise r.fail(f"file ends inside the NAMESTR records at byte {at}")
    raw = bytes(r.buf[at : at + size]) + b"\0" * (140 - size)
    ntype, _hfun, length, _varnum, name, label, form, fl, fd, _fj, _fill, _iform, _ifl, _ifd, pos, _rest = (
        _NAMESTR_140.unpack(raw)
    )
    if ntype not in (1, 2) or length <= 0 or pos < 0 or (ntype == 1 and not 2 <= length <= 8):
        raise r.fail(f"bad NAMESTR at byte {at}: type {ntype}, length {length}, position {pos}")
    fname = form.decode("ascii", "replace")
    return _Namestr(ntype, length, name, label, format_text(fname, fl, fd), pos)


def _next_member(r: _Reader, data_at: int) -> int:
    """End of this member's observations: the next 80-aligned MEMBER header, or the end of the file."""
    at = data_at
    while (at := r.buf.find(MEMBER, at)) != -1:
        if (at - data_at) % 80 == 0:
            return at
        at += 1
    return r.size


def _record_count(r: _Reader, data_at: int, data_end: int, obs_len: int) -> int:
    size = data_end - data_at
    if obs_len == 0:
        return 0
    n = size // obs_len
    pad = size - n * obs_len
    if pad >= 80 or bytes(r.buf[data_end - pad : data_end]).strip(b" "):
        raise r.fail(f"observations end with {pad} bytes that are not blank padding (truncated record?)")
    blank = b" " * obs_len
    while n and size - (n - 1) * obs_len < 80 and r.buf[data_at + (n - 1) * obs_len : data_at + n * obs_len] == blank:
        n -= 1
    return n


def _no_zero_fill(r: _Reader, last: int, obs_len: int, nrec: int) -> None:
    """SAS pads text with blanks: a last observation of zero bytes only, in a member with a text variable, is
    zero fill (a file padded or extended, e.g. a sparse one), not data, and is refused rather than read as
    records of NUL text."""
    if not any(r.buf[last : last + obs_len]):
        raise r.fail(f"observation {nrec} (at byte {last}) and maybe others before it are zero bytes only, "
                     "not data: the file is padded with zero bytes (extended or sparse?)")


def _decode(
    r: _Reader,
    namestrs: list[_Namestr],
    rec1: bytes,
    rec2: bytes,
    data_at: int,
    nrec: int,
    obs_len: int,
    enc: str,
    data: bool,
) -> V5Member:
    variables = [
        XptVariable(_text(n.name, "ascii"), _text(n.label, enc), "Num" if n.ntype == 1 else "Char", n.length, n.format)
        for n in namestrs
    ]
    info = XptInfo(
        name=_text(rec1[8:16], "ascii"),
        label=_text(rec2[32:72], enc),
        variables=variables,
        records=nrec,
        encoding=enc,
        created=_text(rec1[64:80], "ascii"),
        modified=_text(rec2[0:16], "ascii"),
    )
    member = V5Member(info, {})
    if not data:
        return member
    rows = np.frombuffer(r.buf, dtype=np.uint8, count=nrec * obs_len, offset=data_at).reshape(nrec, obs_len)
    for n, v in zip(namestrs, variables, strict=True):
        cells = rows[:, n.position : n.position + n.length]
        if n.ntype == 1:
            member.columns[v.name], member.missing[v.name] = ibm_to_ieee(widen(cells))
        else:
            member.columns[v.name] = _strings(cells, enc)
    return member


def _strings(cells: np.ndarray, enc: str) -> np.ndarray:
    """(n, k) uint8 → object array of str, trailing blanks removed (SAS semantics).

    Only the distinct values are decoded; equal cells share one Python string (a column of 2 million
    records holding 40 distinct values costs 40 strings, and hashing it later is fast)."""
    width = cells.shape[1]
    raw = np.ascontiguousarray(cells).view(f"S{width}").ravel().astype(object)
    codes, uniq = pd.factorize(raw)  # hashing: linear, where sorting the fixed-width values was not
    table = np.empty(len(uniq), dtype=object)
    table[:] = [u.rstrip(b" ").decode(enc) for u in uniq]
    return table[codes]


def _text(raw: bytes, enc: str) -> str:
    return raw.decode(enc).rstrip(" ")
