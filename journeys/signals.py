"""Signals journeys sends so curriculum can react without journeys knowing it."""

from django.dispatch import Signal

# Sent once when a map becomes complete: sender=JourneyMap, journey_map=..., user=..., lesson_page_id=...
journey_map_completed = Signal()
