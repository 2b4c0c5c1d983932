"""Format: ISO 8601 dates/durations (partial dates allowed), --TESTCD/--PARMCD/QNAM, lengths, leading spaces."""

from __future__ import annotations

from collections.abc import Iterator

from sdtm_convert.validate.helpers import duration_invalid, iso8601_invalid
from sdtm_convert.validate.registry import Hits, rule

_CODE = r"[A-Z_][A-Z0-9_]{0,7}"


def _char(ds, names):
    return [c for c in names if c in ds.columns and not ds.is_numeric(c)]


@rule("SC-FMT-001", category="format", p21="SD0003", per_dataset=True)
def iso8601_dtc(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c in _char(ds, [c for c in ds.columns if c.endswith("DTC")]):
            yield Hits(ds.name, c, ds.rows_where(c, iso8601_invalid))


@rule("SC-FMT-002", category="format", p21="SD1011", per_dataset=True)
def iso8601_duration(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        cols = [c for c in ds.columns if c.endswith(("DUR", "ELTM", "EVLINT")) and c != "--DUR"]
        for c in _char(ds, cols):
            yield Hits(ds.name, c, duration_invalid(ds.frame[c]))


def _code_format(ctx, suffix: str, exclude: tuple[str, ...] = ()) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c in _char(ds, [ds.parent + suffix] + ([suffix] if suffix == "QNAM" else [])):
            if c in exclude:
                continue
            yield Hits(ds.name, c, ds.rows_where(c, lambda u: (u != "") & ~u.str.fullmatch(_CODE).fillna(False)))


def _max_len(ctx, suffix: str, n: int, exclude: tuple[str, ...] = ()) -> Iterator[Hits]:
    for ds in ctx.datasets():
        names = [suffix] if suffix in ("QLABEL", "ARMCD", "ACTARMCD", "ETCD") else [ds.parent + suffix]
        for c in _char(ds, names):
            if c not in exclude:
                yield Hits(ds.name, c, ds.frame[c].str.len() > n)


@rule("SC-FMT-003", category="format", p21="SD0018", per_dataset=True)
def testcd_format(ctx) -> Iterator[Hits]:
    yield from _code_format(ctx, "TESTCD")


@rule("SC-FMT-004", category="format", p21="SD0017")
def test_length(ctx) -> Iterator[Hits]:
    yield from _max_len(ctx, "TEST", 40, exclude=("IETEST", "TITEST"))  # IETEST may hold 200 (SDTMIG)


@rule("SC-FMT-005", category="format", p21="SD0020", per_dataset=True)
def parmcd_format(ctx) -> Iterator[Hits]:
    yield from _code_format(ctx, "PARMCD")


@rule("SC-FMT-006", category="format", p21="SD0019", per_dataset=True)
def parm_length(ctx) -> Iterator[Hits]:
    yield from _max_len(ctx, "PARM", 40)


@rule("SC-FMT-007", category="format", p21="SD1021", per_dataset=True)
def leading_space(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c in ds.columns:
            if ds.is_numeric(c) or c.startswith(("COVAL", "TSVAL")):
                continue
            yield Hits(ds.name, c, ds.rows_where(c, lambda u: u.str.startswith(" ") | (u == ".")))


@rule("SC-FMT-008", category="format", p21="SD1022", per_dataset=True)
def qnam_format(ctx) -> Iterator[Hits]:
    for ds in ctx.supp():
        for c in _char(ds, ["QNAM"]):
            s = ds.frame[c]
            yield Hits(ds.name, c, (s != "") & ~s.str.fullmatch(r"[A-Z_][A-Z0-9_]{0,7}").fillna(False))


@rule("SC-FMT-009", category="format", p21="SD1049", per_dataset=True)
def qlabel_length(ctx) -> Iterator[Hits]:
    yield from _max_len(ctx, "QLABEL", 40)


@rule("SC-FMT-010", category="format", p21="SD1004", per_dataset=True)
def armcd_length(ctx) -> Iterator[Hits]:
    yield from _max_len(ctx, "ARMCD", 20)


@rule("SC-FMT-011", category="format", p21="SD2001", per_dataset=True)
def actarmcd_length(ctx) -> Iterator[Hits]:
    yield from _max_len(ctx, "ACTARMCD", 20)


@rule("SC-FMT-012", category="format", p21="SD1009", per_dataset=True)
def etcd_length(ctx) -> Iterator[Hits]:
    yield from _max_len(ctx, "ETCD", 8)


def _tsval(ctx, parm: str, check) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("TS"):
        f = ds.frame
        if {"TSPARMCD", "TSVAL"} <= set(f.columns):
            yield Hits(ds.name, "TSVAL", (f["TSPARMCD"] == parm) & check(f["TSVAL"]))


for _i, (_parm, _p21, _check) in enumerate(
    [
        ("SSTDTC", "SD2247", iso8601_invalid),
        ("SENDTC", "SD2248", iso8601_invalid),
        ("DCUTDTC", "SD2245", iso8601_invalid),
        ("AGEMAX", "SD1215", duration_invalid),
        ("AGEMIN", "SD1217", duration_invalid),
        ("LENGTH", "SD1219", duration_invalid),
    ]
):
    rule(f"SC-FMT-{20 + _i:03d}", category="format", p21=_p21)(
        (lambda p, c: lambda ctx: _tsval(ctx, p, c))(_parm, _check)
    )
