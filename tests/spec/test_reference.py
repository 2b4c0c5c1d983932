"""docs/spec-reference.md is generated from the algorithm descriptors and is never stale."""

from sdtm_convert.mapping import reference
from sdtm_convert.mapping.algorithms import ALGORITHMS


def test_the_committed_page_is_the_generated_one():
    assert reference.PAGE.read_text(encoding="utf-8") == reference.generated_text(), (
        "docs/spec-reference.md is stale: run python -m sdtm_convert.mapping.reference")


def test_every_algorithm_option_and_issue_code_is_on_the_page():
    page = reference.generated_text()
    for name, algo in ALGORITHMS.items():
        section = page.split(f"### `{name}`\n", 1)[1].split("\n### ", 1)[0]
        for option, kind in algo.params.items():
            assert f"| `{option}` | " in section, (name, option)
            if kind.doc:
                assert reference._cell(kind.doc) in section, (name, option)
        for code in algo.emits + algo.spec_codes():
            assert f"`{code}`" in section, (name, code)
        assert "```yaml" in section, name


def test_named_date_formats_and_unknown_tokens_are_listed():
    page = reference.generated_text()
    assert "`YYYY/MM/DD`" in page and "`UNK`" in page and "`DD MON YYYY`" in page
