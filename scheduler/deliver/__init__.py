"""Getting itineraries to people: agenda mailings, subscription links, CalDAV publishing."""
