"""Unit tests: pure functions and classes, no HTTP and no database server."""
