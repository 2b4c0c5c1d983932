"""The ADaM derivation library (admiral naming, see design.md §5).

``derive_var_*`` adds one variable, ``derive_vars_*`` several, ``derive_param_*`` parameter records,
``derive_*_records`` other records, ``compute_*`` are vector-in/vector-out. Arguments: ``dataset``,
``by_vars``, ``order``, ``new_var``, ``filter``, then keyword-only options. No function mutates its
input, re-sorts it, or does I/O.
"""

from sdtm_convert.adam.derive.bds import derive_var_analysis_ratio, derive_var_anrind
from sdtm_convert.adam.derive.conditions import condition_mask, is_missing, validate_condition
from sdtm_convert.adam.derive.core import (
    compute_chg,
    compute_pchg,
    compute_responder,
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
    derive_vars_dtm_to_dt,
    derive_vars_duration,
    derive_vars_dy,
    sas_date_to_iso,
)
from sdtm_convert.adam.derive.events import derive_var_extreme_dt, derive_vars_extreme_event
from sdtm_convert.adam.derive.joined import derive_vars_joined, derive_vars_last_dose
from sdtm_convert.adam.derive.occurrence import (
    compute_severity_rank,
    derive_var_aocci_flag,
    derive_vars_occurrence_flags,
)
from sdtm_convert.adam.derive.params import (
    compute_bmi,
    compute_bsa,
    compute_map,
    derive_basetype_records,
    derive_extreme_records,
    derive_param_bmi,
    derive_param_bsa,
    derive_param_computed,
    derive_param_map,
    derive_summary_records,
)
from sdtm_convert.adam.derive.subject import (
    compute_eosstt,
    derive_var_flag,
    derive_var_merged_exist_flag,
    derive_var_merged_summary,
    derive_vars_cat,
)
from sdtm_convert.adam.derive.visits import (
    ANL01FL_RULES,
    derive_nri_records,
    derive_vars_avisit,
    derive_vars_avisit_from_visit,
)

__all__ = [
    "ANL01FL_RULES",
    "compute_bmi",
    "compute_bsa",
    "compute_chg",
    "compute_dt",
    "compute_dt_range",
    "compute_dtm",
    "compute_duration",
    "compute_dy",
    "compute_eosstt",
    "compute_map",
    "compute_pchg",
    "compute_responder",
    "compute_severity_rank",
    "condition_mask",
    "derive_basetype_records",
    "derive_extreme_records",
    "derive_nri_records",
    "derive_param_bmi",
    "derive_param_bsa",
    "derive_param_computed",
    "derive_param_map",
    "derive_summary_records",
    "derive_var_analysis_ratio",
    "derive_var_anrind",
    "derive_var_aocci_flag",
    "derive_var_base",
    "derive_var_chg",
    "derive_var_extreme_dt",
    "derive_var_extreme_flag",
    "derive_var_flag",
    "derive_var_merged_exist_flag",
    "derive_var_merged_summary",
    "derive_var_obs_number",
    "derive_var_ontrtfl",
    "derive_var_pchg",
    "derive_var_trtdurd",
    "derive_var_trtemfl",
    "derive_vars_avisit",
    "derive_vars_avisit_from_visit",
    "derive_vars_cat",
    "derive_vars_crit_flag",
    "derive_vars_dt",
    "derive_vars_dtm",
    "derive_vars_dtm_to_dt",
    "derive_vars_duration",
    "derive_vars_dy",
    "derive_vars_extreme_event",
    "derive_vars_joined",
    "derive_vars_last_dose",
    "derive_vars_merged",
    "derive_vars_occurrence_flags",
    "is_missing",
    "sas_date_to_iso",
    "validate_condition",
]
