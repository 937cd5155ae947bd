"""Benchmark scripts: run them by hand; pytest does not collect them (no test_ prefix)."""
