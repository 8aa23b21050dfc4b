"""Demo content of the champions app (filled by its issue)."""
