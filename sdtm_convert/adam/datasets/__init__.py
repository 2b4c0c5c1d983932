"""The ADaM datasets: one frozen :class:`~sdtm_convert.adam.registry.AdamDataset` each, in ``<adxx>.py``.

Add a dataset by writing its descriptor (and its build) in a new module here plus its test; the run order,
define.xml, the row schema (``python -m sdtm_convert.adam.rowschemas``), the lineage and the contract test
(``tests/adam/test_dataset_contract.py``) follow from the descriptor.
"""

from sdtm_convert.adam.registry import DATASETS, AdamDataset, AdamInputs, Populations, V, check_needs, register
from sdtm_convert.common.registry import load_plugins

__all__ = ["DATASETS", "AdamDataset", "AdamInputs", "Populations", "V", "register"]

load_plugins(__name__)
check_needs(DATASETS)
