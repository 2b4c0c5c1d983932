"""A study's whole mapping spec: study config, raw dataset declarations, one spec per domain.

``load_spec(folder)`` validates each file against its JSON Schema (file + line on error), then
``check_spec`` (:mod:`sdtm_convert.spec.check`) checks what a schema cannot: raw datasets and columns exist in raw.yaml, codelists exist
in the CT release, hard-coded CT values are terms of their codelist, targets are SDTMIG variables of their
domain and are assigned before use, derivations are known and take the parameters given. All of this
happens before any data is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdtm_convert.errors import ERROR, Issue, SdtmConvertError
from sdtm_convert.spec.explanations import Explanation, load_explanations
from sdtm_convert.spec.loader import key_line, load_yaml_validated, load_yaml_validated_with_node
from sdtm_convert.spec.study import StudyConfig, study_from_dict

NOT_DOMAIN_FILES = {"study", "raw", "adam", "define", "explanations"}  # define.yaml: the define spec
# (spec.define_load); explanations.yaml: the sponsor's explanations of conformance findings (spec/explanations.py)


@dataclass
class DomainSpec:
    domain: str  # SDTM domain code (PASI resolved to QS/RS)
    path: str
    data: dict[str, Any]
    node: Any = None  # YAML node for line numbers

    @property
    def sources(self) -> list[dict[str, Any]]:
        return self.data["sources"]

    @property
    def derivations(self) -> list[dict[str, Any]]:
        return self.data.get("derivations", [])


@dataclass
class StudySpec:
    folder: Path
    study: StudyConfig
    raw: dict[str, Any]
    domains: list[DomainSpec] = field(default_factory=list)
    study_node: Any = field(default=None, repr=False)  # YAML node of study.yaml, for line numbers
    adam: list[Any] = field(default_factory=list)  # ADaM specs (adam/*.yaml: spec.adam.AdamSpec), when checked
    analyses: Any = None  # adam/analyses.yaml (spec.analyses.AnalysesSpec), when checked and present
    define: Any = None  # the define spec (define.yaml: spec.define_spec.DefineSpec), when checked; None without
    explanations: list[Explanation] = field(default_factory=list)  # explanations.yaml, in file order

    def study_line(self, key: str) -> int | None:
        """Line of a top-level key of study.yaml (None when unknown)."""
        return key_line(self.study_node, [], key) if self.study_node is not None else None

    def domain(self, code: str) -> DomainSpec:
        for d in self.domains:
            if d.domain == code:
                return d
        raise KeyError(code)


def load_spec(folder: str | Path) -> StudySpec:
    folder = Path(folder)
    if not folder.is_dir():
        raise SdtmConvertError(Issue("spec-folder-missing", ERROR, "mapping spec folder not found", file=str(folder)))
    study_data, study_node = load_yaml_validated_with_node(folder / "study.yaml", "study")
    study = study_from_dict(study_data, str(folder / "study.yaml"))
    raw = load_yaml_validated(folder / "raw.yaml", "raw")
    domains = []
    for path in sorted(folder.glob("*.yaml")):
        if path.stem in NOT_DOMAIN_FILES:
            continue
        data, node = load_yaml_validated_with_node(path, "domain")
        code = study.pasi.domain if data["domain"] == "PASI" else data["domain"]
        domains.append(DomainSpec(code, str(path), data, node))
    return StudySpec(folder, study, raw, domains, study_node, explanations=load_explanations(folder))


from sdtm_convert.spec.check import check_spec  # noqa: E402  (re-exported: the checks moved to spec/check.py)

__all__ = ["DomainSpec", "StudySpec", "check_spec", "load_spec"]
