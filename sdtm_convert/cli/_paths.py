"""The (input, output) file pairs of ``xpt2json`` and ``json2xpt``."""

from __future__ import annotations

from pathlib import Path

from sdtm_convert.errors import fatal


def targets(src: Path, out: str | None, suffix: str) -> list[tuple[Path, Path]]:
    """(input, output) pairs: one file, or every file of a folder, to ``out`` (a file or a folder), checked."""
    from sdtm_convert.common.places import check_output_file, check_output_folder

    files = sorted(p for p in src.iterdir() if p.suffix.lower() in ((".xpt",) if suffix != ".xpt" else (".json", ".ndjson"))) \
        if src.is_dir() else [src]
    if not files:
        raise fatal("convert-nothing", "no input files found", file=str(src))
    if out and not Path(out).is_dir() and len(files) == 1 and not src.is_dir():
        return [(files[0], check_output_file(out))]
    folder = check_output_folder(Path(out) if out else (src if src.is_dir() else src.parent))
    folder.mkdir(parents=True, exist_ok=True)
    return [(f, folder / (f.stem.lower() + suffix)) for f in files]
