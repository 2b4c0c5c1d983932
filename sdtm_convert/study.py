"""Moved to :mod:`sdtm_convert.spec.study` (the study configuration is part of the spec); kept importable here."""

from sdtm_convert.spec.study import (
    PASI_VERSIONS,
    Arm,
    Element,
    PasiSettings,
    StudyConfig,
    Visit,
    load_study,
    study_from_dict,
)

__all__ = ["PASI_VERSIONS", "Arm", "Element", "PasiSettings", "StudyConfig", "Visit", "load_study", "study_from_dict"]
