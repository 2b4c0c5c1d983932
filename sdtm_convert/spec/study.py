"""The study configuration (``mappings/<study>/study.yaml``): study-level facts used by every stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdtm_convert.errors import fatal

PASI_VERSIONS = {
    "PASI02": "PASI FELDMAN",
    "PASI03": "PASI FREDRIKSSON",
    "PASI04": "PASI EMA",
    "PASI05": "PASI BOZEK",
}


@dataclass(frozen=True)
class Element:
    etcd: str
    element: str
    epoch: str
    start_rule: str
    end_rule: str = ""
    duration: str = ""


@dataclass(frozen=True)
class Arm:
    armcd: str
    arm: str
    elements: tuple[str, ...]
    branch: dict[str, str] = field(default_factory=dict)
    transition: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Visit:
    visitnum: float
    visit: str
    visitdy: int | None
    window: tuple[int, int] | None
    start_rule: str
    end_rule: str = ""
    epoch: str = ""
    armcd: str = ""  # for arm-specific visits (TV.ARMCD); empty when the visit applies to every arm


@dataclass(frozen=True)
class PasiSettings:
    domain: str = "QS"
    version: str = "PASI03"

    @property
    def category(self) -> str:
        return PASI_VERSIONS[self.version]


@dataclass(frozen=True)
class StudyConfig:
    studyid: str
    title: str
    sponsor: str
    ct_version: str
    created: str
    sdtmig_version: str = "3.4"
    protocol: str = ""
    pasi: PasiSettings = PasiSettings()
    arms: tuple[Arm, ...] = ()
    elements: tuple[Element, ...] = ()
    visits: tuple[Visit, ...] = ()
    trial_summary: tuple[dict[str, Any], ...] = ()
    inclusion_exclusion: tuple[dict[str, Any], ...] = ()
    populations: dict[str, Any] = field(default_factory=dict)
    adam: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    path: str = ""
    # the sponsor's define spec (define.yaml: spec.define_spec.DefineSpec, dictionary versions read from the raw
    # coding export); None without one. Read when define.xml is written.
    define: Any = field(default=None, compare=False, repr=False)

    @property
    def package_date_source(self) -> str:
        """Where ``created`` (the package date stamped in every output file) comes from: it is fixed so that
        reruns give identical files, and is not the date of any run."""
        return "study.yaml created" if "created" in self.raw else "default (study.yaml states no created)"

    def element(self, etcd: str) -> Element:
        for e in self.elements:
            if e.etcd == etcd:
                return e
        raise KeyError(etcd)

    def visit_by_num(self, visitnum: float) -> Visit:
        for v in self.visits:
            if v.visitnum == visitnum:
                return v
        raise KeyError(visitnum)


def study_from_dict(d: dict[str, Any], path: str = "") -> StudyConfig:
    """Build a StudyConfig from an already schema-validated mapping (see ``spec.load_study``)."""
    pasi = d.get("pasi") or {}
    return StudyConfig(
        studyid=str(d["studyid"]),
        title=str(d.get("title", "")),
        sponsor=str(d.get("sponsor", "")),
        ct_version=str(d.get("ct_version", "2025-03-25")),
        created=str(d.get("created", "2026-01-01T00:00:00")),
        sdtmig_version=str(d.get("sdtmig_version", "3.4")),
        protocol=str(d.get("protocol", "")),
        pasi=PasiSettings(domain=str(pasi.get("domain", "QS")).upper(), version=str(pasi.get("version", "PASI03"))),
        arms=tuple(
            Arm(
                armcd=a["armcd"],
                arm=a["arm"],
                elements=tuple(a["elements"]),
                branch=dict(a.get("branch") or {}),
                transition=dict(a.get("transition") or {}),
            )
            for a in d.get("arms", [])
        ),
        elements=tuple(
            Element(
                etcd=e["etcd"],
                element=e["element"],
                epoch=e["epoch"],
                start_rule=e["start_rule"],
                end_rule=e.get("end_rule", ""),
                duration=e.get("duration", ""),
            )
            for e in d.get("elements", [])
        ),
        visits=tuple(
            Visit(
                visitnum=float(v["visitnum"]),
                visit=v["visit"],
                visitdy=v.get("visitdy"),
                window=tuple(v["window"]) if v.get("window") else None,  # type: ignore[arg-type]
                start_rule=v.get("start_rule", ""),
                end_rule=v.get("end_rule", ""),
                epoch=v.get("epoch", ""),
                armcd=v.get("armcd", ""),
            )
            for v in d.get("visits", [])
        ),
        trial_summary=tuple(d.get("trial_summary", [])),
        inclusion_exclusion=tuple(d.get("inclusion_exclusion", [])),
        populations=dict(d.get("populations") or {}),
        adam=dict(d.get("adam") or {}),
        raw=d,
        path=path,
    )


def population_condition(spec: Any) -> tuple[Any, tuple[str, ...]]:
    """The condition of one ``populations:`` entry and its path inside the entry: a rule name (``ENRLFL:
    assigned_to_treatment``) is ``{rule: NAME}``; a mapping holds ``where:`` or ``rule:`` next to ``label:``,
    or is itself the condition (its ``label`` aside)."""
    if isinstance(spec, str):
        return {"rule": spec}, ()
    if not isinstance(spec, dict):
        return spec, ()
    if "where" in spec:
        return spec["where"], ("where",)
    if "rule" in spec:
        return {"rule": spec["rule"]}, ()
    return {k: v for k, v in spec.items() if k != "label"}, ()


def load_study(path: str | Path) -> StudyConfig:
    """Read and validate ``study.yaml``. Raises SdtmConvertError (code ``spec-invalid``) naming file and line."""
    from sdtm_convert.spec.loader import load_yaml_validated  # local: spec imports study

    p = Path(path)
    if not p.exists():
        raise fatal("spec-file-missing", "study configuration not found", file=str(p))
    data = load_yaml_validated(p, "study")
    return study_from_dict(data, str(p))
