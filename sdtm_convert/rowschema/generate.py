"""Generate the per-dataset row JSON Schemas in ``rowschemas/sdtm/`` and ``rowschemas/adam/``.

Run ``python -m sdtm_convert.adam.rowschemas [OUTDIR]`` (default: the repository's ``rowschemas/``). The
output is committed; ``tests/schema`` checks that regenerating gives identical bytes.

Conventions (one row = one JSON object whose properties are the variables):

- Char → ``"type": "string"``, ``maxLength: 200`` (characters, as JSON Schema counts; the XPT writer
  checks the 200-*byte* limit). Missing is ``""``, so ``enum`` and ``pattern`` always accept ``""``;
  *Req* Char variables have ``minLength: 1``, which is the one place an empty value is reported.
- Num → ``"type": ["number", "null"]``; missing is ``null`` (NaN in a frame). *Req* Num → ``"number"``.
- ``required`` = the *Req* variables (a row must carry them, even if a Perm column may be absent).
- ``const`` for DOMAIN; ``enum`` (sorted terms + ``""``) only when every codelist of the variable is
  non-extensible, or for a closed value list (ADaMIG value lists such as ``Y; N``, ISO 21090
  NullFlavor, the NY subsets the SDTMIG notes prescribe: ``--BLFL`` "Y" or null, ``AESER`` "Y"/"N");
  extensible codelists are annotations only (sponsor terms are allowed).
- ``pattern`` for ISO 8601 datetimes (``--DTC`` or the ISO 8601 datetime value domain) and durations
  (see :mod:`sdtm_convert.rowschema.patterns`).
- Annotations (read by define.xml and the validator from the same place): ``x-label``, ``x-core``,
  ``x-role``, ``x-order`` (SDTMIG / listed order), ``x-codelist`` (list of ``{code, name,
  extensible}``), ``x-extensible``, ``x-enum-source``, ``x-value-domain``, ``x-source`` (ADaM copies).
  Top level: ``x-dataset``, ``x-label``, ``x-class``, ``x-structure``, ``x-keys``, ``x-standard``,
  ``x-ct-version``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sdtm_convert.rowschema import datasets as D
from sdtm_convert.rowschema.patterns import PATTERNS
from sdtm_convert.standards import adamig_variables, load_ct, sdtmig_datasets, sdtmig_domain_variables

CHAR_MAX_LENGTH = 200


def _split_values(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


def _sdtm_variables(domain: str) -> list[dict[str, Any]]:
    rows = sdtmig_domain_variables(domain)
    return [
        {
            "name": r.name,
            "label": r.label,
            "type": r.type,
            "core": r.core,
            "role": r.role,
            "codelists": list(r.codelist_codes),
            "value_domain": r.value_domain,
            "value_list": _split_values(r.value_list),
            "order": int(r.order),
        }
        for r in rows.itertuples()
    ]


def _template_regex(name: str) -> str:
    """ADaMIG template name → regex: ``TRTxxP`` → ``TRT(?P<xx>[0-9]{2})P``."""
    rx = re.sub(r"xx|zz", lambda m: f"(?P<{m.group()}>[0-9]{{2}})", re.escape(name))
    return re.sub(r"(?<=[A-Z0-9])y(?=[A-Z0-9]|$)", "(?P<y>[0-9])", rx)


def _adamig_variable(structure: str, name: str) -> dict[str, Any]:
    meta = adamig_variables()
    meta = meta[meta["structure"] == structure]
    for r in meta.itertuples():
        m = re.fullmatch(_template_regex(r.name), name)
        if m is None:
            continue
        label = r.label
        for token, digits in m.groupdict().items():
            label = re.sub(rf"\b{token}\b", digits, label)
        return {
            "name": name,
            "label": label,
            "type": r.type,
            "core": r.core,
            "role": None,
            "codelists": list(r.codelist_codes),
            "value_domain": r.value_domain,
            "value_list": _split_values(r.value_list),
        }
    raise KeyError(f"{name} is not an ADaMIG 1.3 {structure} variable")


def _copied_variable(source: str, name: str) -> dict[str, Any] | None:
    """A variable copied from ADSL (ADaMIG ADSL, else the DM variable ADSL copies: COUNTRY, ARMCD...) or an SDTM
    domain (SDTMIG), core Perm; None if unknown."""
    dataset = source.partition(".")[0]
    found: dict[str, Any] | None
    if dataset == "ADSL":
        try:
            found = _adamig_variable("Subject-Level Analysis Dataset", name)
        except KeyError:
            found = next((v for v in _sdtm_variables("DM") if v["name"] == name), None)
    else:
        found = next((v for v in _sdtm_variables(dataset) if v["name"] == name), None) if dataset.isalpha() else None
    return None if found is None else {**found, "core": "Perm"}


_NUMERIC_SUFFIXES = ("DT", "DTM", "TM", "DY", "N", "FN", "DUR", "NUM")  # ADaMIG 1.3 §3.1.4 naming conventions


def _sponsor_variable(desc: Any, name: str) -> dict[str, Any] | None:
    """A variable in no standard that a study's ADaM spec declares (admiral's SCRFDT, LSTALVDT; an SDTM timing
    variable such as AEDTC copied from its domain): its declared label (else its name), Num when its name follows
    ADaMIG's numeric suffix conventions, else Char; no codelist, Perm."""
    if not getattr(desc, "from_spec", False):
        return None
    label = next((v.label for v in desc.variables if getattr(v, "name", None) == name), None) or name
    numeric = name.endswith(_NUMERIC_SUFFIXES) and not name.endswith(("FL",))
    return {"name": name, "label": label, "type": "Num" if numeric else "Char", "core": "Perm", "role": None,
            "codelists": [], "value_domain": "", "value_list": []}


def _adam_variable(desc: Any, name: str, source: str | None) -> dict[str, Any]:
    """One declared ADaM variable: :data:`~sdtm_convert.rowschema.datasets.EXTRA_VARIABLES` (OCCDS and sponsor
    variables), else ADaMIG 1.3 of the dataset's structure (templated names such as ``TRTxxP`` instantiate),
    else the standard of the dataset it is copied from (``source``: ADSL or an SDTM domain)."""
    if name in D.EXTRA_VARIABLES:
        var = {"name": name, "core": "Perm", "role": None, "codelists": [], "value_domain": "", "value_list": [],
               **D.EXTRA_VARIABLES[name]}
    else:
        try:
            var = _adamig_variable(desc.adamig_structure, name)
        except KeyError:
            # a study-dependent source ("{dom}.VISIT": the PASI domain, QS or RS) resolves in RS
            copied = _copied_variable(source.format(dom="RS"), name) if source else None
            if copied is None:
                copied = _sponsor_variable(desc, name)
            if copied is None:
                raise KeyError(f"{desc.name}.{name} is in no standard: add it to schema.datasets.EXTRA_VARIABLES") from None
            var = copied
    var.pop("order", None)  # ADaM order = the order the descriptor declares
    var["core"] = desc.core.get(name, var["core"])
    var["source"] = source if source and "{" not in source else None
    return var


def _adam_variables(desc: Any) -> list[dict[str, Any]]:
    out = []
    for v in desc.variables:
        if hasattr(v, "schema_flags"):  # the population flags of study.yaml: the ADaMIG ones
            out += [_adam_variable(desc, flag, None) for flag in v.schema_flags]
        else:
            out.append(_adam_variable(desc, v.name, v.source))
    return out


def _pattern_kind(var: dict[str, Any]) -> str | None:
    if var["type"] != "Char":
        return None
    for suffix, kind in D.SUFFIX_PATTERNS.items():
        if var["name"].endswith(suffix):
            return kind
    return D.VALUE_DOMAIN_PATTERNS.get(var["value_domain"])


def _typed(values: list[str], vtype: str) -> list[Any]:
    return [int(v) if vtype == "Num" and v.lstrip("-").isdigit() else v for v in values]


def _allowed_values(var: dict[str, Any], ct) -> tuple[list[Any] | None, str | None, list[dict]]:
    """(enum values or None, where they come from, x-codelist annotation)."""
    lists = [ct.codelist(c) for c in var["codelists"]]
    annotation = [{"code": cl.code, "name": cl.short_name, "extensible": cl.extensible} for cl in lists]
    if var.get("value_list"):
        return _typed(var["value_list"], var["type"]), var.get("value_list_source", "ADaMIG value list"), annotation
    if lists and not any(cl.extensible for cl in lists):
        return sorted(set().union(*(cl.values for cl in lists))), "CT", annotation
    return None, None, annotation


def property_schema(var: dict[str, Any], ct, order: int, dataset: str) -> dict[str, Any]:
    req = var["core"] == "Req"
    prop: dict[str, Any] = {}
    if var["type"] == "Char":
        prop["type"] = "string"
        prop["maxLength"] = CHAR_MAX_LENGTH
        if req and not var.get("allow_empty"):
            prop["minLength"] = 1
    else:
        prop["type"] = "number" if req else ["number", "null"]
    values, enum_source, codelists = _allowed_values(var, ct)
    if var["name"] == "DOMAIN":
        prop["const"] = dataset
    elif values is not None:
        missing = "" if var["type"] == "Char" else None
        prop["enum"] = ([] if req and var["type"] == "Num" else [missing]) + [v for v in values if v != missing]
        prop["x-enum-source"] = enum_source
    kind = _pattern_kind(var)
    if kind:
        prop["pattern"] = PATTERNS[kind]
    prop["x-label"] = var["label"]
    prop["x-core"] = var["core"]
    if var.get("role"):
        prop["x-role"] = var["role"]
    prop["x-order"] = order
    if codelists:
        prop["x-codelist"] = codelists
        prop["x-extensible"] = any(c["extensible"] for c in codelists)
    if var["value_domain"]:
        prop["x-value-domain"] = var["value_domain"]
    if var.get("source"):
        prop["x-source"] = var["source"]
    return prop


def _schema(meta: dict[str, Any], variables: list[dict[str, Any]]) -> dict[str, Any]:
    ct = load_ct(D.CT_VERSION)
    props = {
        v["name"]: property_schema(v, ct, v.get("order", i), meta["x-dataset"])
        for i, v in enumerate(variables, start=1)
    }
    return {
        "$schema": D.SCHEMA_DRAFT,
        "title": f"{meta['x-dataset']} row ({meta['x-label']})",
        **meta,
        "x-ct-version": D.CT_VERSION,
        "x-missing-values": {"Char": "", "Num": None},
        "type": "object",
        "required": [v["name"] for v in variables if v["core"] == "Req"],
        "properties": props,
    }


def _ny_subset(var: dict[str, Any]) -> dict[str, Any]:
    if var["codelists"] != [D.NY_CODELIST]:
        return {}
    for regex, values, source in D.NY_SUBSETS:
        if re.fullmatch(regex, var["name"]):
            return {"value_list": values, "value_list_source": source}
    return {}


def _tweak(dataset: str, variables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**v, **_ny_subset(v), **D.VARIABLE_TWEAKS.get((dataset, v["name"]), {})} for v in variables]


def sdtm_schema(dataset: str) -> dict[str, Any]:
    info = sdtmig_datasets().set_index("dataset").loc[dataset]
    meta = {
        "x-dataset": dataset,
        "x-label": info["label"],
        "x-class": D.SDTM_CLASSES[info["class"]],
        "x-structure": info["structure"],
        "x-keys": D.SDTM_DATASETS[dataset]["keys"],
        "x-standard": "SDTMIG 3.4",
    }
    return _schema(meta, _tweak(dataset, _sdtm_variables(dataset)))


def adam_schema(desc: Any) -> dict[str, Any]:
    """The row schema of an ADaM dataset from its descriptor (``adam/datasets/<adxx>.py``)."""
    dataset = desc.name
    meta = {
        "x-dataset": dataset,
        "x-label": desc.label,
        "x-class": desc.cls,
        "x-structure": desc.structure,
        "x-keys": list(desc.keys),
        "x-standard": "ADaMIG 1.3",
    }
    return _schema(meta, _tweak(dataset, _adam_variables(desc)))


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
