"""The package root exports the Python API (loaded on first use, so `import sdtm_convert` stays light)."""

import inspect
import subprocess
import sys

import pytest

import sdtm_convert as sc

FUNCTIONS = ["convert", "run_study", "build_adam", "validate_package", "write_package"]
TYPES = ["Conversion", "RunResult", "AdamResult", "ValidationReport", "WrittenPackage", "DatasetMeta", "Issue",
         "SdtmConvertError"]


def test_all_lists_the_public_functions_and_types():
    assert sorted(sc.__all__) == sorted(["__version__", *FUNCTIONS, *TYPES])
    assert sorted(sc.__all__) == sorted(["__version__", *sc._EXPORTS])
    for name in sc.__all__:
        assert getattr(sc, name) is not None
    assert sc.convert is __import__("sdtm_convert.pipeline", fromlist=["convert"]).convert
    assert sc.ValidationReport is __import__("sdtm_convert.validate.report", fromlist=["x"]).ValidationReport
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = sc.nothing_here


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_public_function_is_documented_and_fully_typed(name):
    fn = getattr(sc, name)
    doc = inspect.getdoc(fn)
    assert doc and len(doc.splitlines()) >= 3, name
    sig = inspect.signature(fn)
    untyped = [p.name for p in sig.parameters.values() if p.annotation is inspect.Parameter.empty]
    assert untyped == [] and sig.return_annotation is not inspect.Signature.empty, name


@pytest.mark.parametrize("name", TYPES)
def test_each_public_type_is_documented(name):
    doc = inspect.getdoc(getattr(sc, name))
    assert doc and not doc.startswith(f"{name}(")  # a written docstring, not the dataclass's generated one


def test_importing_the_package_loads_no_pandas():
    code = "import sys, sdtm_convert; print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'numpy')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
