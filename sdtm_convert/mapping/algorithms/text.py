"""Collected text: ``assign_no_ct`` (as collected), ``assign_ct`` (to controlled terminology), ``concat``."""

from __future__ import annotations

from sdtm_convert.errors import ERROR, WARNING
from sdtm_convert.mapping.algorithms._base import Algorithm, register
from sdtm_convert.mapping.algorithms._codebook import CODEBOOK, decode, describe_codebook
from sdtm_convert.mapping.algorithms._common import (
    collected_comment,
    expr_text,
    expr_value,
    recode,
    text,
    to_ascii,
    value_issues,
)
from sdtm_convert.spec.params import Bool, Codelist, Column, Dict, Expr, ListOf, OneOf, Regex, Str

RECODE = {
    "map": Dict(doc="sponsor recoding {collected: value}, keys trimmed and case-insensitive; applied after ``pattern``"),
    "pattern": Regex(doc="keep the first group of this regular expression (the whole value when it does not match)"),
}


def _assign_no_ct(frame, var, env):
    s, issues = decode(recode(text(frame, var["column"]), var), frame, var, env)
    if var.get("upper"):
        s = s.str.upper()
    s, more = to_ascii(s, frame, var, env)
    return s.astype(str), issues + more


def _assign_ct(frame, var, env):
    raw = text(frame, var["column"])
    s, issues = decode(recode(raw, var), frame, var, env)
    codelist = env.ct.codelist(var["codelist"])
    mapped, unmatched = codelist.map_values(s)
    severity = WARNING if codelist.extensible else ERROR
    kind = "extensible" if codelist.extensible else "non-extensible"
    issues += value_issues(frame, unmatched, "ct-term-not-found", severity,
                           f"collected value not in {kind} codelist {codelist.short_name} ({codelist.code}); kept as collected",
                           column=var["column"], env=env, variable=var["target"], values=raw)
    out = mapped.fillna(s)
    return out.astype(str), issues


def _concat(frame, var, env):
    parts = [expr_value(p, frame, env.targets).astype("string").fillna("").str.strip() for p in var["parts"]]
    sep = var.get("sep", "")
    out = parts[0]
    for p in parts[1:]:
        out = out + sep + p
    if var.get("upper"):
        out = out.str.upper()
    return out.astype(str), []


def _ct_comment(row):
    return collected_comment(row, *describe_codebook(row), f"mapped to controlled terminology {row['codelist']}")


def _concat_method(row):
    return f"Concatenation of {', '.join(expr_text(p) for p in row['parts'])} separated by {row.get('sep', '')!r}"


register(Algorithm(
    name="assign_no_ct", origin="Collected", run=_assign_no_ct, describe=lambda row: collected_comment(row, *describe_codebook(row)),
    summary="A collected value as text, trimmed, optionally extracted, recoded or decoded from a codebook.",
    params={"column": Column(required=True, doc="the raw column"), **RECODE, "map_from": CODEBOOK,
            "upper": Bool(default=False, doc="upper-case the result"),
            "ascii": OneOf(choices=("transliterate", "keep"), default="transliterate",
                           doc="non-ASCII text: fold accents (warning) or keep as collected")},
    emits=("non-ascii-transliterated", "non-ascii-untranslated", "codebook-code-unknown"),
    example={"target": "--TERM", "algorithm": "assign_no_ct", "column": "AETERM"},
))

register(Algorithm(
    name="assign_ct", origin="Collected", run=_assign_ct, describe=_ct_comment,
    summary="A collected value mapped to a term of a codelist (synonyms and case folded); a miss is reported.",
    params={"column": Column(required=True, doc="the raw column"),
            "codelist": Codelist(required=True, doc="the codelist the result must belong to"),
            **RECODE, "map_from": CODEBOOK},
    emits=("ct-term-not-found", "codebook-code-unknown"),
    example={"target": "SEX", "algorithm": "assign_ct", "column": "GENDER", "codelist": "SEX",
             "map": {"Female": "F", "Male": "M"}},
))

register(Algorithm(
    name="concat", origin="Derived", run=_concat, describe=_concat_method,
    summary="Parts joined by a separator (each part trimmed).",
    params={"parts": ListOf(item=Expr(text=True), min_items=1, required=True,
                            doc="text literals and {value|column|target} expressions"),
            "sep": Str(default="", doc="separator"),
            "upper": Bool(default=False, doc="upper-case the result")},
    example={"target": "USUBJID", "algorithm": "concat", "parts": [{"value": "NCT03745417"}, {"column": "SUBJECT"}],
             "sep": "-"},
))
