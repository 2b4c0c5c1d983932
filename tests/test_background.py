"""The worker process: results and errors come back as if the function had run in the caller."""

import os

import numpy as np
import pandas as pd
import pytest

from sdtm_convert.background import Background, can_fork
from sdtm_convert.errors import SdtmConvertError, fatal

pytestmark = pytest.mark.skipif(not can_fork(), reason="the worker process needs fork (Linux)")


def test_worker_reads_the_callers_frames_and_returns_its_result():
    frame = pd.DataFrame({"x": np.arange(100_000, dtype="float64"), "s": pd.Series(["a", "b"] * 50_000, dtype="str")})
    local = {"frame": frame}  # a closure over local data: nothing is pickled on the way in under fork
    job = Background(lambda: (os.getpid(), float(local["frame"]["x"].sum()), int((local["frame"]["s"] == "a").sum())))
    pid, total, count = job.result()
    assert pid != os.getpid()
    assert (total, count) == (float(frame["x"].sum()), 50_000)


def test_inline_when_not_parallel():
    assert Background(os.getpid, parallel=False).result() == os.getpid()


def _fail():
    raise fatal("raw-file-missing", "dm.csv is missing", file="dm.csv")


@pytest.mark.parametrize("parallel", [True, False])
def test_errors_are_raised_by_result_with_their_issue(parallel):
    job = Background(_fail, parallel=parallel)
    with pytest.raises(SdtmConvertError) as err:
        job.result()
    assert err.value.issue.code == "raw-file-missing" and err.value.issue.file == "dm.csv"


def test_a_worker_that_dies_is_a_clear_error():
    job = Background(os._exit, 3, what="SDTM writer")
    with pytest.raises(SdtmConvertError) as err:
        job.result()
    assert err.value.issue.code == "worker-failed"
    assert "SDTM writer" in err.value.issue.message and "exit code 3" in err.value.issue.message


class _Unpicklable(Exception):
    def __init__(self, a, b):
        super().__init__(a)
        self.b = b


def _raise_unpicklable():
    raise _Unpicklable("lock", lambda: None)


def test_an_error_that_cannot_be_sent_back_arrives_as_its_traceback():
    with pytest.raises(SdtmConvertError) as err:
        Background(_raise_unpicklable).result()
    assert err.value.issue.code == "worker-failed" and "_Unpicklable" in err.value.issue.message
