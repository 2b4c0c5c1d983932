"""Run one algorithm on a small literal frame (with provenance columns)."""

import numpy as np
import pandas as pd

from sdtm_convert.mapping.algorithms import ALGORITHMS, Env
from sdtm_convert.standards import load_ct

CT = load_ct()


def raw(**cols):
    n = len(next(iter(cols.values())))
    df = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cols.items()})
    df["__src_file"] = "x.csv"
    df["__src_row"] = np.arange(1, n + 1)
    return df


def run(name, frame, targets=None, raw_datasets=None, **var):
    env = Env(ct=CT, domain="XX", targets=targets or {}, raw=raw_datasets or {})
    return ALGORITHMS[name](frame, {"target": "X", "algorithm": name, **var}, env)


def codes(issues):
    return [(i.code, i.row, i.column, i.value) for i in issues]
