"""The validator's findings on the CDISC pilot packages, per dataset and rule: a golden file a reviewer can read.

The packages are the PhUSE Test Data Factory's CDISC pilot SDTM (SDTMIG 3.2, Define-XML 2.0) and ADaM packages,
packed whole in ``tests/data/cdiscpilot01-package/`` (provenance in its README). ``pilot_findings.yaml`` holds,
per package, the standard and CT version the validator chose (with its reasons), the number of findings per
rule and dataset, and for every rule reported that has no Pinnacle 21 Community id, one line saying why we
report it where Pinnacle 21 would not.

Update after a reviewed change with:  python -m tests.validate.pilot_findings
"""

from __future__ import annotations

import tarfile
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ARCHIVES = HERE.parent / "data" / "cdiscpilot01-package"
GOLDEN = HERE / "pilot_findings.yaml"
PACKAGES = ("sdtm", "adam")

# Why each rule without a Pinnacle 21 Community id is reported (the classes Pinnacle 21 would not report).
NOT_P21 = {
    "SC-CONS-012": "CDISC conformance rule (FDA FB3102, CORE-000542): --STRESN must be the numeric value of --STRESC; "
    "the pilot's QS holds rounded STRESC beside unrounded STRESN (61.5 vs 61.55172413793103)",
    "SC-CONS-036": "one finding per subject where the pilot codes a reserved arm code in another case ('Scrnfail' for "
    "SCRNFAIL), in place of the five Pinnacle 21 arm rules that would otherwise each flag the subject",
    "SC-META-006": "define.xml label differs from the dataset's label: Pinnacle 21 Community checks labels against "
    "the SDTMIG only (SD0063), a reviewer reads the define",
    "SC-META-007": "notice only: define.xml length differs from the longest value (a define-to-data consistency check "
    "that Pinnacle 21 Community 2.2.0 does not make)",
    "SC-TECH-004": "FDA Technical Conformance Guide: every transport file carries a dataset label; the pilot's XPT "
    "files have none (Pinnacle 21 Community 2.2.0 has no rule for it)",
    "SC-TECH-011": "FDA Technical Conformance Guide: ASCII text only; ts.xpt holds a Windows-1252 apostrophe (0x92)",
}


def unpack(kind: str, dest: Path) -> Path:
    """Extract ``<kind>.tar.xz`` into ``dest``; returns the package folder (``dest/<kind>``)."""
    with tarfile.open(ARCHIVES / f"{kind}.tar.xz") as tar:
        tar.extractall(dest, filter="data")
    return dest / kind


def summarise(report) -> dict:
    """What the golden file pins for one package: versions and notes, counts per rule and dataset, reasons."""
    f = report.findings
    counts: Counter = Counter(zip(f["rule"], f["dataset"].fillna("(package)")))
    p21 = dict(zip(f["rule"], f["p21_id"]))
    rules: dict[str, dict[str, int]] = {}
    for (rule, dataset), n in sorted(counts.items()):
        rules.setdefault(rule if not p21.get(rule) else f"{rule} ({p21[rule]})", {})[dataset] = n
    unexplained = sorted({r for r in f["rule"] if not p21.get(r)} - set(NOT_P21))
    return {
        "standard": report.standard,
        "ct": report.ct_version,
        "notes": list(report.notes),
        "findings": len(f),
        "rules": rules,
        "not_p21": {r: NOT_P21[r] for r in sorted({r for r in f["rule"] if not p21.get(r)} & set(NOT_P21))},
        "unexplained": unexplained,
    }


def current(workdir: Path) -> dict:
    from sdtm_convert.validate import validate_package

    return {kind: summarise(validate_package(unpack(kind, workdir))) for kind in PACKAGES}


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        data = current(Path(tmp))
    header = "".join(f"# {line}\n" if line else "#\n" for line in (__doc__ or "").strip().splitlines())
    GOLDEN.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
