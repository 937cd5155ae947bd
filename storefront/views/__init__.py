"""Blueprints, one module per page area."""
