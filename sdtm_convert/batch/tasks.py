"""One study, run on a cluster worker: the single command's own code (``execute`` of ``cli/run.py`` or
``cli/validate.py``, handed over in the study's :class:`~.studies.Single`) with the study's arguments, then a
summary of its reports for the portfolio.

A study never raises out of its task: bad input, a full disk or a bug becomes the study's exit status and one
line, exactly as ``sdtm-convert run``/``validate`` would print it (``cli.failure``). A run uses one process
(``--jobs 1``): the cluster runs studies side by side, and a worker process may not fork (outputs are the same
either way).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sdtm_convert.batch.findings import summarise
from sdtm_convert.batch.studies import Study, parse


def _quiet(_msg: str) -> None:
    pass


def _run(study: Study) -> dict[str, Any]:
    args = parse(study)
    args.jobs = 1
    result = study.single.execute(args, _quiet, quiet=True)
    conv = result.conversion
    reports = Path(study.out) / "reports"
    validations = [summarise(kind, reports / f"validation-{kind}.json", study.out)
                   for kind in ("sdtm", "adam") if kind in conv.conformance]
    errors = len(conv.errors)
    return {"exit_status": 1 if errors else 0, "validation": validations,
            "conversion": {"errors": errors, "warnings": sum(1 for i in conv.issues if i.severity == "warning"),
                           "report_html": "reports/conversion-report.html",
                           "report_json": "reports/conversion-report.json"}}


def _validate(study: Study) -> dict[str, Any]:
    args = parse(study)
    os.makedirs(study.out, exist_ok=True)
    report, written = study.single.execute(args, _quiet)
    summary = summarise("package", Path(written["json"]), study.out)
    return {"exit_status": report.exit_code, "validation": [summary], "conversion": None}


def run_study_task(study: Study) -> dict[str, Any]:
    """The study's outcome (JSON-ready): name, command, out, exit_status (as the single command's), error (its one
    line, or None), conversion (run only) and validation (one summary per package validated)."""
    outcome: dict[str, Any] = {"name": study.name, "command": study.command, "out": study.out,
                               "argv": list(study.argv), "error": None, "conversion": None, "validation": []}
    try:
        outcome |= (_run if study.command == "run" else _validate)(study)
    except Exception as exc:  # noqa: BLE001 - the study failed; the others go on
        outcome["exit_status"], outcome["error"] = study.single.failure(exc, study.out if study.command == "run" else None)
    return json.loads(json.dumps(outcome))  # plain data only, whatever the worker
