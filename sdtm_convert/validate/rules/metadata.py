"""Metadata: define.xml against the data (datasets, variables, types, labels, lengths), the data
against the standard (model variables, permissible additions, types, labels, FDA-expected variables)."""

from __future__ import annotations

from collections.abc import Iterator

from sdtm_convert.validate.context import GENERAL
from sdtm_convert.validate.registry import Hits, rule

BOTH = ("sdtm", "adam")
_NUMERIC_TYPES = {"integer", "float", "double", "decimal"}


def _norm(label: str) -> str:
    return " ".join(str(label).split()).upper()


def _defined(ctx):
    """(dataset, define dataset) pairs for datasets the define describes."""
    if ctx.define is None:
        return
    for ds in ctx.datasets():
        dd = ctx.define.datasets.get(ds.name)
        if dd is not None:
            yield ds, dd


@rule("SC-META-001", category="metadata", standards=BOTH, p21="SD0054")
def define_var_missing(ctx) -> Iterator[Hits]:
    for ds, dd in _defined(ctx):
        for v in dd.variables:
            if v not in ds.columns:
                yield Hits(ds.name, v)


@rule("SC-META-002", category="metadata", standards=BOTH, p21="SD0060")
def var_not_in_define(ctx) -> Iterator[Hits]:
    for ds, dd in _defined(ctx):
        for v in ds.columns:
            if v not in dd.variables:
                yield Hits(ds.name, v)


@rule("SC-META-003", category="metadata", standards=BOTH, p21="SD1063")
def dataset_not_in_define(ctx) -> Iterator[Hits]:
    if ctx.define is None:
        return
    for ds in ctx.datasets():
        if ds.name not in ctx.define.datasets:
            yield Hits(ds.name, None)


@rule("SC-META-004", category="metadata", standards=BOTH, p21="SD0061")
def define_dataset_missing(ctx) -> Iterator[Hits]:
    if ctx.define is None:
        return
    for name in sorted(ctx.define.datasets):
        if name not in ctx.package.datasets:
            yield Hits(None, None, values=name, message=f"Dataset {name} referenced in define.xml but missing")


@rule("SC-META-005", category="metadata", standards=BOTH, p21="SD0059")
def define_type(ctx) -> Iterator[Hits]:
    for ds, dd in _defined(ctx):
        for v in dd.variables.values():
            if v.name in ds.columns and v.data_type:
                if (v.data_type in _NUMERIC_TYPES) != ds.is_numeric(v.name):
                    yield Hits(
                        ds.name,
                        v.name,
                        values=f"define {v.data_type}, data {'Num' if ds.is_numeric(v.name) else 'Char'}",
                    )


@rule(
    "SC-META-006",
    category="metadata",
    standards=BOTH,
    severity="warning",
    message="Define.xml/dataset variable label mismatch",
    description="The variable label in the dataset matches the ItemDef description in define.xml.",
)
def define_label(ctx) -> Iterator[Hits]:
    for ds, dd in _defined(ctx):
        for v in dd.variables.values():
            lab = ds.labels.get(v.name)
            if lab is not None and v.label and _norm(lab) != _norm(v.label):
                yield Hits(ds.name, v.name, values=f"data '{lab}', define '{v.label}'")


@rule(
    "SC-META-007",
    category="metadata",
    standards=BOTH,
    severity="notice",
    message="Define.xml/dataset variable length mismatch",
    description="The length of a character variable in the dataset matches its define.xml Length.",
)
def define_length(ctx) -> Iterator[Hits]:
    for ds, dd in _defined(ctx):
        for v in dd.variables.values():
            n = ds.lengths.get(v.name)
            if n and v.length and v.name in ds.columns and not ds.is_numeric(v.name) and n != v.length:
                yield Hits(ds.name, v.name, values=f"data {n}, define {v.length}")


def _std_meta(ctx, ds):
    from sdtm_convert.validate.rules.presence import std_vars

    return std_vars(ctx, ds)


@rule("SC-META-008", category="metadata", p21="SD0055", per_dataset=True)
def sdtm_type(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        meta = _std_meta(ctx, ds)
        for name, typ in zip(meta["name"], meta["type"]):
            if name in ds.columns and (typ == "Num") != ds.is_numeric(name) and len(ds.frame):
                yield Hits(ds.name, name, values=f"SDTM {typ}, data {'Num' if ds.is_numeric(name) else 'Char'}")


@rule("SC-META-009", category="metadata", p21="SD0063", per_dataset=True)
def sdtm_label(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        meta = _std_meta(ctx, ds)
        for name, label in zip(meta["name"], meta["label"]):
            lab = ds.labels.get(name)
            if lab and _norm(lab) != _norm(label):
                yield Hits(ds.name, name, values=f"'{lab}' (SDTMIG: '{label}')")


def _model_status(ctx, ds, var: str) -> str:
    """'domain' (listed for the domain), 'class' (allowed by its general class), or 'none'."""
    meta = ctx.sdtm_vars(ds)
    if var in set(meta["name"]):
        return "domain"
    klass = ctx.klass(ds)
    if klass in GENERAL:
        p = ds.parent
        stem = "--" + var[len(p) :] if var.startswith(p) else var
        if stem in ctx.class_variables.get(klass, set()):
            return "class"
    return "none"


@rule("SC-META-010", category="metadata", p21="SD0058", per_dataset=True)
def not_in_model(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if ctx.sdtm_vars(ds).empty and ctx.klass(ds) not in GENERAL:
            continue  # unknown custom dataset: no model to compare with
        for v in ds.columns:
            if _model_status(ctx, ds, v) == "none":
                yield Hits(ds.name, v)


@rule("SC-META-011", category="metadata", p21="SD1076", per_dataset=True)
def permissible_added(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if ctx.sdtm_vars(ds).empty:
            continue
        for v in ds.columns:
            if _model_status(ctx, ds, v) == "class":
                yield Hits(ds.name, v)


@rule("SC-META-012", category="metadata", p21="SD1077", per_dataset=True)
def fda_expected(ctx) -> Iterator[Hits]:
    """EPOCH in every subject-level general-class dataset (FDA TCG)."""
    for ds in ctx.general():
        if "USUBJID" in ds.columns and "EPOCH" not in ds.columns:
            yield Hits(ds.name, "EPOCH")


@rule("AD-META-018", category="metadata", standards=("adam",), p21="AD0018")
def adam_label(ctx) -> Iterator[Hits]:
    """Labels of ADaMIG variables named exactly (TRTxxP-style names are sponsor-instantiated and skipped)."""
    a = ctx.adam_vars
    exact = dict(zip(a["name"], a["label"]))
    for ds in ctx.datasets():
        for v, lab in ds.labels.items():
            std = exact.get(v)
            if std and lab and _norm(lab) != _norm(std):
                yield Hits(ds.name, v, values=f"'{lab}' (ADaMIG: '{std}')")
