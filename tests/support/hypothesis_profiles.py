"""Hypothesis profiles: `ci` runs the property and fuzz tests at full size, `dev` at about 100."""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE_VARIABLE = "HYPOTHESIS_PROFILE"
DEFAULT_PROFILE = "dev"

# tests/suite.py (`make test`, CI): 1,000 examples per fuzzed endpoint, 2,000 payloads; the same
# examples every run (derandomized, no example database), so a verdict can be reproduced.
settings.register_profile(
    "ci", max_examples=1000, derandomize=True, database=None, deadline=None, print_blob=True
)
# A plain `pytest` and `make test-fast`: Hypothesis' own default size, fresh examples each run.
settings.register_profile("dev", max_examples=100)


# End-to-end property tests place every example's order through the shop and the emulator over
# HTTP (about 3 s each), so they run a fixed few: the in-process property tests carry the size.
END_TO_END_EXAMPLES = {"ci": 10, "dev": 5}


def end_to_end_examples() -> int:
    """How many examples an end-to-end property test runs under the loaded profile."""
    return END_TO_END_EXAMPLES.get(os.environ.get(PROFILE_VARIABLE, DEFAULT_PROFILE), 5)


def load_profile() -> str:
    """Load the profile named by HYPOTHESIS_PROFILE (default `dev`) and return its name."""
    name = os.environ.get(PROFILE_VARIABLE, DEFAULT_PROFILE)
    settings.load_profile(name)
    return name
