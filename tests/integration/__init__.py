"""Integration tests: the apps through their test clients, with a real database."""
