"""Benchmarks (apart from the tests): ``python -m benchmarks.run --subjects 1000,10000``.

- :mod:`benchmarks.run` — the driver: generate (cached) studies, run each measured job in a fresh
  subprocess, measure the baselines in the same run, print a table and write JSON.
- :mod:`benchmarks.job` — one measured job: ``run_study`` with each stage timed (wall and CPU).
- :mod:`benchmarks.floor` — the pyreadstat floor: pyreadstat alone writing the same XPT files.
- :mod:`benchmarks.schema_baseline` — one reused ``jsonschema`` validator vs ``validate_frame``.
- :mod:`benchmarks.anchors` — external figures quoted from ``docs/anchors.md``.
"""
