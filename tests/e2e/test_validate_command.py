"""`sdtm-convert validate` on a package without errors (the bundled study's ADaM): --quiet prints nothing."""

from sdtm_convert.cli import main
from sdtm_convert.package.layout import adam_dir


def test_quiet_prints_nothing_when_the_package_has_no_error(sample_run, capsys):
    folder = adam_dir(sample_run.out, "NCT03745417")
    assert main(["validate", str(folder), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["validate", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1].startswith("0 error(s), ")
    assert [line.split("] ", 1)[1].split(" ", 1)[0] for line in err.splitlines()] == ["read", "checked"]
