"""Rule modules, one per category; importing this package registers every rule."""

from sdtm_convert.validate import define_check  # noqa: F401  (the SC-DEF-* rules of `validate define.xml`)
from sdtm_convert.validate.rules import (  # noqa: F401
    adam,
    consistency,
    crossref,
    fmt,
    metadata,
    presence,
    record_pairs,
    subjects,
    technical,
    terminology,
    trial_design,
)
