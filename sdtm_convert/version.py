"""The version of sdtm-convert (one place: the package root, pyproject.toml and the reports read it)."""

__version__ = "0.1.0"
