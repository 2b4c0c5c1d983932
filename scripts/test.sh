#!/usr/bin/env bash
# The README's test command: install the package with its test extras, lint, type-check, run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e ".[test]"
ruff check .
mypy
python -m pytest -n 2 -p no:cacheprovider
