"""Page objects for the storefront's browser tests."""
