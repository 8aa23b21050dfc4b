"""Demo content of the curriculum app (filled by its issue)."""
