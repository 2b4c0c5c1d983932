"""The ADaM derivation library (admiral naming, see design.md §5).

``derive_var_*`` adds one variable, ``derive_vars_*`` several, ``derive_param_*`` parameter records,
``derive_*_records`` other records, ``compute_*`` are vector-in/vector-out. Arguments: ``dataset``,
``by_vars``, ``order``, ``new_var``, ``filter``, then keyword-only options. No function mutates its
input, re-sorts it, or does I/O.
"""

from sdtm_convert.adam.derive.conditions import condition_mask, is_missing, validate_condition
from sdtm_convert.adam.derive.core import (
    compute_chg,
    compute_pchg,
    compute_responder,
    derive_param_computed,
    derive_var_base,
    derive_var_chg,
    derive_var_extreme_flag,
    derive_var_obs_number,
    derive_var_ontrtfl,
    derive_var_pchg,
    derive_var_trtemfl,
    derive_vars_crit_flag,
    derive_vars_merged,
)
from sdtm_convert.adam.derive.dates import (
    compute_dt,
    compute_dt_range,
    compute_dtm,
    compute_duration,
    compute_dy,
    derive_var_trtdurd,
    derive_vars_dt,
    derive_vars_dtm,
    derive_vars_duration,
    derive_vars_dy,
    sas_date_to_iso,
)
from sdtm_convert.adam.derive.subject import (
    compute_eosstt,
    derive_var_flag,
    derive_var_merged_summary,
    derive_vars_cat,
)
from sdtm_convert.adam.derive.visits import ANL01FL_RULES, derive_nri_records, derive_vars_avisit

__all__ = [
    "ANL01FL_RULES",
    "compute_chg",
    "compute_dt",
    "compute_dt_range",
    "compute_dtm",
    "compute_duration",
    "compute_dy",
    "compute_eosstt",
    "compute_pchg",
    "compute_responder",
    "condition_mask",
    "derive_nri_records",
    "derive_param_computed",
    "derive_var_base",
    "derive_var_chg",
    "derive_var_extreme_flag",
    "derive_var_flag",
    "derive_var_merged_summary",
    "derive_var_obs_number",
    "derive_var_ontrtfl",
    "derive_var_pchg",
    "derive_var_trtdurd",
    "derive_var_trtemfl",
    "derive_vars_avisit",
    "derive_vars_cat",
    "derive_vars_crit_flag",
    "derive_vars_dt",
    "derive_vars_dtm",
    "derive_vars_duration",
    "derive_vars_dy",
    "derive_vars_merged",
    "is_missing",
    "sas_date_to_iso",
    "validate_condition",
]
