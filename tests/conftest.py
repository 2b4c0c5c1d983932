"""Suite-wide settings."""

from hypothesis import HealthCheck, settings

# CI machines are shared and their speed varies: judge properties on their results, never on time.
# The default profile is derandomised, so every run (CI included) tries the same examples and a failure reproduces;
# `pytest --hypothesis-profile=explore` searches fresh random examples, more of them, when hunting for new bugs.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
settings.register_profile("explore", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=500)
settings.load_profile("ci")


def pytest_terminal_summary(terminalreporter):
    """Skipped browser tests end the run with one line saying how to enable them (never silently)."""
    from tests.package.cdp import MISSING

    skipped = [r for r in terminalreporter.stats.get("skipped", []) if MISSING in str(getattr(r, "longrepr", ""))]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} browser tests skipped: {MISSING}", yellow=True)
