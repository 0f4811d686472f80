"""Hypothesis profiles: CI runs a short, derandomized fuzz pass; `pytest --long` runs for minutes.

    pytest tests/test_fuzz_*.py            # "ci": fixed examples, about a minute on 2 cores
    pytest tests/test_fuzz_*.py --long     # "long": random examples, 40× as many (QMPOSTER_FUZZ_SCALE)

See docs/hardening.md for what the fuzz suite asserts and the last long run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

LONG_SCALE = 40  # the long profile runs each fuzz test with this many times its CI examples

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile("ci", derandomize=True, deadline=None, database=None, suppress_health_check=_QUIET)
settings.register_profile("long", derandomize=False, deadline=None, suppress_health_check=_QUIET)


def pytest_addoption(parser) -> None:
    parser.addoption("--long", action="store_true", help="run the fuzz suite's long hypothesis profile (minutes)")


def pytest_configure(config) -> None:
    long = config.getoption("--long")
    settings.load_profile("long" if long else "ci")
    if long:
        os.environ.setdefault("QMPOSTER_FUZZ_SCALE", str(LONG_SCALE))
