"""The mapping algorithms: one frozen :class:`Algorithm` descriptor each, in ``<family>.py`` modules.

Add an algorithm by writing its descriptor in a family module (or a new one) and a case in
``tests/mapping/test_algorithm_contract.py``; the schema, spec checks, define text, Excel columns and
docs/spec-reference.md follow from the descriptor (regenerate the schema and the page:
``python -m sdtm_convert.mapping.jsonschema`` and ``python -m sdtm_convert.mapping.reference``).
"""

from sdtm_convert.common.provenance import SRC_COLUMN
from sdtm_convert.common.registry import load_plugins
from sdtm_convert.common.text import number_text
from sdtm_convert.mapping.algorithms._base import ALGORITHMS, Algorithm, Env, register
from sdtm_convert.mapping.algorithms._common import TRANSPOSED_FROM, expr_value, row_issues, value_issues
from sdtm_convert.mapping.algorithms._numbers import round_half_up

__all__ = ["ALGORITHMS", "SRC_COLUMN", "TRANSPOSED_FROM", "Algorithm", "Env", "expr_value", "number_text",
           "register", "round_half_up", "row_issues", "value_issues"]

load_plugins(__name__)
