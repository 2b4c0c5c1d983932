"""Which mapping spec converts a study folder: the study file in the folder, else ``mappings/<folder name>``.

A study folder may hold a small *study file*, ``sdtm-convert.yaml``, naming its spec (``sdtm-convert sample``
writes one beside a copy of the spec)::

    study: NCT03745417
    spec: spec          # a folder, relative to the study folder (or absolute)

Without one, the spec is ``mappings/<study folder name>`` beside the folder's parent, in the working
directory, in the source checkout, or shipped with the package (``sdtm_convert/data/mappings/``).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from sdtm_convert.errors import fatal

STUDY_FILE = "sdtm-convert.yaml"
PACKAGE_MAPPINGS = Path(__file__).resolve().parents[1] / "data" / "mappings"
SOURCE_ROOT = Path(__file__).resolve().parents[2]


def check_study_folder(study_dir: str | Path) -> Path:
    """``study_dir`` as a Path if it is a folder; else raise ``study-folder-missing``."""
    folder = Path(study_dir)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "not found"
        raise fatal("study-folder-missing", f"study folder {what}", file=str(folder))
    return folder


def bundled_study(name: str) -> Path:
    """The bundled raw study ``sample_data/<name>`` of the working directory or the source checkout."""
    for base in (Path.cwd(), SOURCE_ROOT):
        if (base / "sample_data" / name).is_dir():
            return base / "sample_data" / name
    raise fatal("study-missing", f"no study folder given and the bundled sample_data/{name} was not found "
                                 "(it is in the source checkout; `sdtm-convert sample --out DIR` makes a study anywhere)")


def bundled_spec(name: str) -> Path | None:
    """The mapping spec shipped with the package for study ``name`` (e.g. ``nct03745417``), if there is one."""
    folder = PACKAGE_MAPPINGS / name.lower()
    return folder if (folder / "study.yaml").is_file() else None


def find_spec(study_dir: str | Path) -> Path:
    """The mapping spec folder of ``study_dir`` (see the module text); raise a one-line error if there is none."""
    folder = check_study_folder(study_dir)
    if (folder / STUDY_FILE).is_file():
        return spec_of_study_file(folder / STUDY_FILE)
    name = folder.resolve().name
    candidates = [base / "mappings" / name for base in (folder.resolve().parent.parent, Path.cwd(), SOURCE_ROOT)]
    for cand in [*candidates, PACKAGE_MAPPINGS / name.lower()]:
        if (cand / "study.yaml").is_file():
            return cand
    raise fatal("spec-folder-missing",
                f"no mapping spec for this study folder: give --spec SPEC_DIR, or name one in {STUDY_FILE} "
                f"in the folder (no mappings/{name} found either)", file=str(folder))


def spec_of_study_file(path: Path) -> Path:
    """The spec folder named by a study file (``spec:``, relative to the file's folder); raise if unusable."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise fatal("study-file-invalid", f"cannot read the study file: {exc}".splitlines()[0], file=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("spec"), str) or not data["spec"].strip():
        raise fatal("study-file-invalid", "the study file must name the mapping spec folder as `spec: FOLDER`",
                    file=str(path))
    spec = path.parent / data["spec"].strip()
    if not spec.is_dir():
        raise fatal("spec-folder-missing", f"mapping spec folder not found (named by {path})", file=str(spec))
    return spec


def study_file_text(studyid: str, spec: str, note: str = "") -> str:
    """The text of a study file naming ``spec`` (relative to the study folder)."""
    head = f"# {note}\n" if note else ""
    return (f"{head}# `sdtm-convert run <this folder>` converts the folder with the mapping spec named here\n"
            f"# (a folder, relative to this file); `--spec` overrides it.\n"
            f"study: {studyid}\nspec: {spec}\n")
