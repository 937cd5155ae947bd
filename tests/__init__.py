"""The test suite: unit, integration and end-to-end tests (see tests/suite.py for the runner)."""
