"""Demo content of the journeys app (filled by its issue)."""
