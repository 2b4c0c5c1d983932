"""Measured proposals for hot spots in modules this benchmark's owner may not edit (see each module).

Each proposal is a drop-in for one private function, with a check that its output is identical to the
current code's and a timing of both: ``python -m benchmarks.proposals.check RAW_STUDY``.
"""
