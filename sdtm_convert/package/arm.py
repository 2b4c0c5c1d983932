"""Analysis Results Metadata (ARM 1.0 for Define-XML 2.1): the input model and its XML.

Datasets and variables are named (``"ADPASI"``, ``"AVAL"``); OIDs follow the define.xml writer
(``IG.ADPASI``, ``IT.ADPASI.AVAL``). Where-clauses are :class:`~sdtm_convert.metadata.WhereClause`
objects and are written as ``def:WhereClauseDef`` alongside the value-level ones; a where-clause the spec
does not name takes the OID of a value-level one with the same conditions (:func:`resolved`).

The displays come from the study's ``adam/analyses.yaml`` (:mod:`sdtm_convert.spec.analyses`,
:func:`displays_from_spec`); a study without that file writes no ARM.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree

from sdtm_convert.metadata import WhereClause
from sdtm_convert.package._xml import description, sub


@dataclass
class AnalysisDataset:
    dataset: str  # e.g. "ADPASI"
    variables: list[str]  # analysis variables, e.g. ["AVAL"]
    where: WhereClause | None = None
    where_named: bool = True  # False: the id is derived, and an equal value-level where-clause's OID replaces it


@dataclass
class AnalysisResult:
    id: str  # e.g. "T14.2.1.R1"
    description: str
    datasets: list[AnalysisDataset]
    reason: str = "SPECIFIED IN PROTOCOL"
    purpose: str = "PRIMARY OUTCOME MEASURE"
    parameter: str | None = None  # "ADPASI.PARAMCD" → ParameterOID IT.ADPASI.PARAMCD
    documentation: str | None = None
    code: str | None = None
    code_context: str | None = None  # e.g. "Python 3.11, statsmodels 0.14"


@dataclass
class ResultDisplay:
    id: str  # e.g. "T14.2.1"
    name: str  # e.g. "Table 14.2.1"
    description: str
    results: list[AnalysisResult] = field(default_factory=list)


def displays_from_spec(analyses: Any, written: Collection[str]) -> list[ResultDisplay]:
    """The result displays of a loaded ``adam/analyses.yaml`` (None: none), keeping the analysis results whose
    datasets were all written (``written``: dataset names) and the displays left with a result."""
    from sdtm_convert.spec.analyses import where_conditions

    if analyses is None:
        return []
    out = []
    for rd in analyses.displays:
        results = [_result_of(r, where_conditions) for r in rd["results"]
                   if all(d["dataset"] in written for d in r["datasets"])]
        if results:
            out.append(ResultDisplay(str(rd["id"]), rd["name"], rd["description"], results))
    return out


def _result_of(r: dict[str, Any], conditions: Any) -> AnalysisResult:
    return AnalysisResult(
        id=str(r["id"]), description=r["description"],
        datasets=[_dataset_of(d, conditions) for d in r["datasets"]],
        reason=r.get("reason", "SPECIFIED IN PROTOCOL"), purpose=r.get("purpose", "PRIMARY OUTCOME MEASURE"),
        parameter=r.get("parameter"), documentation=r.get("documentation"), code=r.get("code"),
        code_context=r.get("code_context"),
    )


def _dataset_of(d: dict[str, Any], conditions: Any) -> AnalysisDataset:
    name = d["dataset"]
    if "where" not in d:
        return AnalysisDataset(name, list(d["variables"]))
    conds = [(f"{name}.{var}", op, values) for var, op, values in conditions(d["where"])]
    named = "where_id" in d
    wid = d["where_id"] if named else "WC." + ".".join([name, *(f"{v.split('.')[-1]}.{op}.{'.'.join(vals)}"
                                                               for v, op, vals in conds)])
    return AnalysisDataset(name, list(d["variables"]), WhereClause(wid, conds), named)


def resolved(displays: list[ResultDisplay], value_level: Iterable[tuple[str, WhereClause]]) -> list[ResultDisplay]:
    """The displays with each derived where-clause id replaced by that of a value-level where-clause of the
    same dataset and conditions (``value_level``: (dataset, where-clause) pairs): one definition, one OID."""
    known = {_key(ds, wc): wc.id for ds, wc in value_level}

    def one(d: AnalysisDataset) -> AnalysisDataset:
        oid = known.get(_key(d.dataset, d.where)) if d.where is not None and not d.where_named else None
        return replace(d, where=replace(d.where, id=oid)) if oid and d.where is not None else d

    return [replace(rd, results=[replace(r, datasets=[one(d) for d in r.datasets]) for r in rd.results])
            for rd in displays]


def _key(dataset: str, wc: WhereClause) -> tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...]]:
    """What a where-clause of ``dataset`` says (a variable not qualified is the dataset's)."""
    return dataset, tuple((item if "." in item else f"{dataset}.{item}", op, tuple(str(v) for v in values))
                          for item, op, values in wc.conditions)


def item_oid(dataset: str, variable: str) -> str:
    return f"IT.{dataset}.{variable}"


def where_clauses(displays: list[ResultDisplay]) -> list[tuple[str, WhereClause]]:
    """(dataset, where-clause) pairs used by the displays, in document order."""
    return [(d.dataset, d.where) for rd in displays for r in rd.results for d in r.datasets if d.where is not None]


def _result(parent: etree._Element, r: AnalysisResult, wc_oid) -> None:
    el = sub(
        parent,
        "arm:AnalysisResult",
        {
            "OID": f"AR.{r.id}",
            "ParameterOID": _param_oid(r.parameter),
            "AnalysisReason": r.reason,
            "AnalysisPurpose": r.purpose,
        },
    )
    description(el, r.description)
    dss = sub(el, "arm:AnalysisDatasets")
    for d in r.datasets:
        ds = sub(dss, "arm:AnalysisDataset", {"ItemGroupOID": f"IG.{d.dataset}"})
        if d.where is not None:
            sub(ds, "def:WhereClauseRef", {"WhereClauseOID": wc_oid(d.where.id)})
        for v in d.variables:
            sub(ds, "arm:AnalysisVariable", {"ItemOID": item_oid(d.dataset, v)})
    if r.documentation:
        description(sub(el, "arm:Documentation"), r.documentation)
    if r.code:
        sub(sub(el, "arm:ProgrammingCode", {"Context": r.code_context}), "arm:Code", None, r.code)


def _param_oid(parameter: str | None) -> str | None:
    if not parameter:
        return None
    ds, _, var = parameter.partition(".")
    return item_oid(ds, var)


def add_arm(mdv: etree._Element, displays: list[ResultDisplay], wc_oid) -> None:
    """Append ``arm:AnalysisResultDisplays`` (last child of MetaDataVersion)."""
    if not displays:
        return
    root = sub(mdv, "arm:AnalysisResultDisplays")
    for rd in displays:
        el = sub(root, "arm:ResultDisplay", {"OID": f"RD.{rd.id}", "Name": rd.name})
        description(el, rd.description)
        for r in rd.results:
            _result(el, r, wc_oid)
