"""A run's lineage files: reports/lineage-sdtm.csv (SDTM record → raw file and row) and lineage-adam.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.adam.lineage import adam_lineage
from sdtm_convert.common.csvout import write_csv
from sdtm_convert.common.text import number_text


def write_lineage(out: Path, lineage: pd.DataFrame | None = None,
                  adam: dict[str, pd.DataFrame] | None = None,
                  adam_descriptors: dict[str, Any] | None = None) -> dict[str, str]:
    """reports/lineage-sdtm.csv (every SDTM record → raw file and row) and/or lineage-adam.csv (ADaM → SDTM);
    returns their paths relative to ``out`` by kind."""
    outputs: dict[str, str] = {}
    if lineage is not None:
        lin = lineage.copy()
        lin["seq"] = number_text(lin["seq"])
        lin["raw_row"] = number_text(lin["raw_row"])
        path = out / "reports" / "lineage-sdtm.csv"
        write_csv(path, lin)
        outputs["lineage"] = path.relative_to(out).as_posix()
    if adam is not None:
        path = out / "reports" / "lineage-adam.csv"
        write_csv(path, adam_lineage(adam, adam_descriptors))
        outputs["lineage_adam"] = path.relative_to(out).as_posix()
    return outputs
