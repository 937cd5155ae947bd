"""Test support code shared by the unit, integration and end-to-end suites."""
