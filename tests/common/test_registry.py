"""Registry: a duplicate name fails at once; load_plugins imports a package's public modules in name order."""

import pytest

from sdtm_convert.common.registry import Registry, RegistryError, load_plugins


def test_duplicate_name_fails_and_the_first_stays():
    reg: Registry[str] = Registry("widget")
    reg.register("a", "first")
    with pytest.raises(RegistryError, match="widget 'a' is registered twice"):
        reg.register("a", "second")
    assert reg["a"] == "first" and reg.names() == ["a"] and "a" in reg and reg.get("b") is None


def test_load_plugins_imports_public_modules_in_name_order():
    names = load_plugins("sdtm_convert.mapping.algorithms")
    assert names == sorted(names) and "numbers" in names and not any(n.startswith("_") for n in names)
