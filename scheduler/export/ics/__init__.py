"""The calendar (.ics) writer, its events and texts, its self-check and its export state."""
