"""The ADaM part of a run: the datasets the study's ADaM specs declare (``mappings/<study>/adam/``), else the
registered datasets (``adam/datasets/``), built from the SDTM frames in ``needs`` order, checked, written with define.xml and the analysis summary, then validated as any ADaM
package."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sdtm_convert.adam.config import AdamSettings, adam_settings
from sdtm_convert.adam.datasets import DATASETS
from sdtm_convert.adam.registry import AdamDataset, AdamInputs, build_order
from sdtm_convert.common.part import Part
from sdtm_convert.common.registry import Registry
from sdtm_convert.errors import INFO, Issue
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.spec.adam import AdamSpec
from sdtm_convert.spec.study import StudyConfig


@dataclass
class AdamResult:
    """What :func:`build_adam` built: frames and metadata by dataset name, and the issues found on the way."""

    datasets: dict[str, pd.DataFrame]
    metadata: dict[str, DatasetMeta]
    issues: list[Issue] = field(default_factory=list)
    settings: AdamSettings | None = None
    skipped: dict[str, str] = field(default_factory=dict)  # dataset → why it was not built
    descriptors: dict[str, AdamDataset] = field(default_factory=dict)  # what each built dataset was built from


def build_adam(sdtm: Mapping[str, pd.DataFrame], study: StudyConfig, specs: list[AdamSpec] | None = None) -> AdamResult:
    """Build every registered ADaM dataset (ADSL, ADPASI, ADAE) from the SDTM frames (char missing "",
    numeric missing NaN), each after the datasets it ``needs``.

    ``sdtm``: domain → frame, e.g. a :class:`~sdtm_convert.pipeline.Conversion`'s ``sdtm`` (DM, EX, DS, AE and the
    PASI domain QS or RS are read); ``study``: the study configuration (``conversion.spec.study``), whose
    ``adam`` and ``populations`` settings drive windows, flags and populations (``docs/adam.md``).
    A dataset whose source records are absent (or that needs one not built) is left out and named in
    ``skipped`` with the reason, reported as info ``adam-dataset-skipped`` (after the build issues).
    Returns an :class:`AdamResult`: ``datasets`` (name → frame), ``metadata`` (for XPT and define.xml) and
    ``issues``. Nothing is written.

    ``specs``: the study's ADaM specs (``mappings/<study>/adam/*.yaml``, ``StudySpec.adam``, checked before
    data): when there are some, exactly the datasets they declare are built, from them
    (:mod:`sdtm_convert.adam.specs`); without, the registered descriptors (``adam/datasets/``)."""
    if specs:
        from sdtm_convert.adam.specs import compile_specs, spec_settings

        registry = compile_specs(specs)
        return build_datasets(registry, registry.names(), sdtm, study, spec_settings(study, specs))
    return build_datasets(DATASETS, DATASETS.names(), sdtm, study)


def build_datasets(registry: Registry[AdamDataset], names: list[str], sdtm: Mapping[str, pd.DataFrame],
                   study: StudyConfig, settings: AdamSettings | None = None) -> AdamResult:
    """:func:`build_adam` for the datasets ``names`` of ``registry`` (and those they need), in ``needs`` order;
    ``settings``: the ADaM settings (default: ``study.yaml`` ``adam:``/``populations:``)."""
    from sdtm_convert.adam.meta import adam_metadata

    settings = settings or adam_settings(study)
    datasets: dict[str, pd.DataFrame] = {}
    issues: list[Issue] = []
    skipped: dict[str, str] = {}
    for name in build_order(registry, names):
        ds = registry[name]
        missing = [n for n in ds.needs if n not in datasets]
        inputs = AdamInputs(sdtm, study, settings, {n: datasets[n] for n in ds.needs if n in datasets})
        why = f"needs {', '.join(missing)}, which was not built" if missing else ds.absent and ds.absent(inputs)
        if why:
            skipped[name] = why
            continue
        datasets[name], found = ds.build(inputs)
        issues += found
    for name, why in skipped.items():
        issues.append(Issue("adam-dataset-skipped", INFO, f"{name} not written: {why}", dataset=name))
    metadata = adam_metadata(datasets, study, settings, {n: registry[n] for n in datasets})
    return AdamResult(datasets=datasets, metadata=metadata, issues=issues, settings=settings, skipped=skipped,
                      descriptors={n: registry[n] for n in datasets})


def row_schema(name: str, desc: AdamDataset | None) -> dict[str, Any]:
    """The row schema generated from the descriptor the dataset was built from (a study's ADaM spec declares its
    own ADSL: another study's committed schema would check the wrong variables); without one, the committed
    ``rowschemas/adam/<name>.json`` (equal to the generated one for the bundled study: a test holds it)."""
    from sdtm_convert.rowschema import load_schema
    from sdtm_convert.rowschema.generate import adam_schema

    return adam_schema(desc) if desc is not None else load_schema(name)


def run_adam(sdtm: Mapping[str, pd.DataFrame], study: Any, progress: Callable[[str], None],
             specs: list[AdamSpec] | None = None) -> tuple[Any, Part]:
    """Build the ADaM datasets (one whose source is absent is skipped; one progress line says why) and check them
    against their row schemas. Returns the :class:`~sdtm_convert.adam.AdamResult` and the part (nothing written:
    ``package.adam.write_adam`` writes it)."""
    from sdtm_convert.rowschema import validate_frame

    part = Part()
    t = time.perf_counter()
    result = build_adam(sdtm, study, specs)
    part.issues += result.issues
    for name, why in result.skipped.items():
        progress(f"skipped {name}: {why}")
    for name, frame in result.datasets.items():
        part.issues += validate_frame(frame, row_schema(name, result.descriptors.get(name)), dataset=name)
    part.timings["adam"] = time.perf_counter() - t
    return result, part
