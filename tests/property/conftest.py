"""Hypothesis profiles: a few examples in ``make test``, many in ``make fuzz``.

HYPOTHESIS_PROFILE picks one: "default" (bounded, so the suite stays quick), "ci"
(the same, derandomized so a CI run is repeatable) or "fuzz" (500 examples a test).
"""

import os

from hypothesis import HealthCheck, settings

# Each test builds its stored state once and rolls every example back to it, so a
# function-scoped database fixture is shared by the examples on purpose.
_COMMON = dict(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
settings.register_profile("default", max_examples=6, **_COMMON)
settings.register_profile("ci", max_examples=6, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=500, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
