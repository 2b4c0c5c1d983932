"""ADaM derivation steps: one frozen :class:`~sdtm_convert.adam.steps.step.Step` each, registered in
:data:`STEPS`, called by the ``steps:`` of the ADaM specs (``mappings/<study>/adam/<adxx>.yaml``).

``library.py`` wraps the admiral-style functions of :mod:`sdtm_convert.adam.derive` (``bds.py`` the generic
record, flag and BDS steps; ``events.py`` the subject-level events of ad_adsl.R; ``occds.py`` the occurrence
steps of ad_adae.R; ``findings.py`` the parameter and visit steps of ad_advs.R); ``psoriasis.py`` holds the
psoriasis study's steps. Add a step by registering its descriptor in a module here plus its test; the
spec JSON Schema (``python -m sdtm_convert.adam.jsonschema``), the spec checks and docs/adam.md follow.
"""

from sdtm_convert.adam.steps.step import STEPS, Step, StepContext, register
from sdtm_convert.common.registry import load_plugins

__all__ = ["STEPS", "Step", "StepContext", "register"]

load_plugins(__name__)
