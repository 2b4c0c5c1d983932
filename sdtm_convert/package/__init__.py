"""Submission package: Define-XML 2.1, define.html, Dataset-JSON 1.1, manifest."""
