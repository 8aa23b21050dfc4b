"""Demo content of the assignments app (filled by its issue)."""
