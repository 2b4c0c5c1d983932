"""Where a package's files go: the eCTD module-5 folders under the output folder, and the order outputs are listed."""

from __future__ import annotations

from pathlib import Path


def sdtm_dir(out: Path, studyid: str) -> Path:
    return out / "m5" / "datasets" / studyid.lower() / "tabulations" / "sdtm"


def adam_dir(out: Path, studyid: str) -> Path:
    return out / "m5" / "datasets" / studyid.lower() / "analysis" / "adam" / "datasets"


def dataset_files_first(files: list[str]) -> list[str]:
    """Per dataset its files in package order (the primary format's, XPT, first: the registered writers' suffixes),
    by name, then define.xml and its renderings."""
    from sdtm_convert.package.writers import all_suffixes

    suffixes = all_suffixes()
    data = sorted((f for f in files if f.endswith(suffixes)),
                  key=lambda f: (f.rsplit("/", 1)[-1].split(".")[0], _rank(f, suffixes)))
    return data + [f for f in files if f not in data]


def _rank(file: str, suffixes: tuple[str, ...]) -> int:
    return next(i for i, s in enumerate(suffixes) if file.endswith(s))
