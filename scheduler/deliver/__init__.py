"""Getting itineraries to people once they are exported (CalDAV publishing)."""
