"""Suite-wide settings."""

from hypothesis import HealthCheck, settings

# CI machines are shared and their speed varies: judge properties on their results, never on time.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")
