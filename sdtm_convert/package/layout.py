"""Where a package's files go: the eCTD module-5 folders under the output folder, and the order outputs are listed."""

from __future__ import annotations

from pathlib import Path


def sdtm_dir(out: Path, studyid: str) -> Path:
    return out / "m5" / "datasets" / studyid.lower() / "tabulations" / "sdtm"


def adam_dir(out: Path, studyid: str) -> Path:
    return out / "m5" / "datasets" / studyid.lower() / "analysis" / "adam" / "datasets"


def dataset_files_first(files: list[str]) -> list[str]:
    """Per dataset its .xpt then its .json/.ndjson (by name), then define.xml and its renderings."""
    data = sorted((f for f in files if f.endswith((".xpt", ".json", ".ndjson"))),
                  key=lambda f: (f.rsplit("/", 1)[-1].split(".")[0], not f.endswith(".xpt")))
    return data + [f for f in files if f not in data]
