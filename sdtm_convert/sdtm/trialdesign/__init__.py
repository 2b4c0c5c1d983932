"""Trial design datasets (TS, TA, TE, TV, TI) from the study configuration; the builders move out of ``ts``
into one module per dataset in the next commit."""

from .ts import (
    TS_PARAM_CODELISTS,
    _as_text,
    _valid_date,
    build_trial_design,
    build_ts,
    split_text,
)

__all__ = ["TS_PARAM_CODELISTS", "_as_text", "_valid_date", "build_trial_design", "build_ts", "split_text"]
