"""Load and validate TOML content into frozen domain objects."""
