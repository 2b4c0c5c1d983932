"""Rule modules, one per category; importing this package registers every rule."""

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
