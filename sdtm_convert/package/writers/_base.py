"""What an output format is: one frozen :class:`Writer` descriptor, registered in :data:`WRITERS`.

A writer writes one dataset (frame + :class:`DatasetMeta`) into a folder and reads such a file back. It
never changes ``meta``: what the file fixes itself (XPT: each variable's length in bytes) comes back in
:class:`Written` and the caller decides what to declare (``package/write.py`` hands the primary format's
lengths to the other writers and to define.xml).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from sdtm_convert.common.registry import Registry
from sdtm_convert.errors import Issue
from sdtm_convert.metadata import DatasetMeta

if TYPE_CHECKING:
    from sdtm_convert.spec.study import StudyConfig


@dataclass(frozen=True)
class Written:
    """What one writer wrote for one dataset: its files (none when an error issue stopped it), the issues,
    and the variable lengths (bytes) the file itself declares (empty when the format fixes none)."""

    files: tuple[Path, ...] = ()
    issues: tuple[Issue, ...] = ()
    lengths: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Writer:
    name: str                        # the --formats choice
    suffixes: tuple[str, ...]        # file suffixes it writes and reads: (".json", ".ndjson")
    process: Literal["worker", "main"]   # where a run writes it: the SDTM worker process or the main one
    write: Callable[[pd.DataFrame, DatasetMeta, Path, StudyConfig], Written]   # meta untouched
    read: Callable[[Path], pd.DataFrame] | None = None
    primary: bool = False            # the submission format: written first (its lengths are declared), listed first
    doc: str = ""                    # one line for --help and the docs


WRITERS: Registry[Writer] = Registry("output format")


def register(writer: Writer) -> Writer:
    return WRITERS.register(writer.name, writer)


def ordered(names: tuple[str, ...] | list[str] | None = None) -> list[Writer]:
    """The writers (all, or those named), the primary one first, then in registry order: the order a package
    is written and its files are listed in, whatever order ``--formats`` named them in."""
    chosen = [w for w in WRITERS.values() if names is None or w.name in names]
    return sorted(chosen, key=lambda w: not w.primary)


def for_suffix(suffix: str) -> Writer | None:
    """The writer whose files end in ``suffix`` (case-insensitive), or None."""
    suffix = suffix.lower()
    return next((w for w in WRITERS.values() if suffix in w.suffixes), None)


def all_suffixes() -> tuple[str, ...]:
    """Every registered suffix, primary format first."""
    return tuple(s for w in ordered() for s in w.suffixes)


def check_contract(writer: Writer) -> list[str]:
    """What a writer lacks (empty when complete): the contract test runs this for every registered one."""
    missing = []
    if not writer.suffixes or not all(s.startswith(".") and s == s.lower() for s in writer.suffixes):
        missing.append("suffixes (lower-case, each starting with '.')")
    if writer.read is None:
        missing.append("read")
    if writer.process not in ("worker", "main"):
        missing.append("process ('worker' or 'main')")
    if not writer.doc:
        missing.append("doc")
    return missing
