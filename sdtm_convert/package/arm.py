"""Analysis Results Metadata (ARM 1.0 for Define-XML 2.1): the input model and its XML.

Datasets and variables are named (``"ADPASI"``, ``"AVAL"``); OIDs follow the define.xml writer
(``IG.ADPASI``, ``IT.ADPASI.AVAL``). Where-clauses are :class:`~sdtm_convert.metadata.WhereClause`
objects and are written as ``def:WhereClauseDef`` alongside the value-level ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from sdtm_convert.metadata import WhereClause
from sdtm_convert.package._xml import description, sub


@dataclass
class AnalysisDataset:
    dataset: str  # e.g. "ADPASI"
    variables: list[str]  # analysis variables, e.g. ["AVAL"]
    where: WhereClause | None = None


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
