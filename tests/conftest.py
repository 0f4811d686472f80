"""Hypothesis profiles: CI runs a short, derandomized fuzz pass; `pytest --long` runs for minutes.

    pytest tests/test_fuzz_*.py            # "ci": fixed examples, about a minute on 2 cores
    pytest tests/test_fuzz_*.py --long     # "long": random examples, FUZZ_SCALE× as many

See docs/hardening.md for what the fuzz suite asserts and the last long run.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile("ci", derandomize=True, deadline=None, database=None, suppress_health_check=_QUIET)
settings.register_profile("long", derandomize=False, deadline=None, suppress_health_check=_QUIET)


def pytest_addoption(parser) -> None:
    parser.addoption("--long", action="store_true", help="run the fuzz suite's long hypothesis profile (minutes)")


def pytest_configure(config) -> None:
    settings.load_profile("long" if config.getoption("--long") else "ci")
