"""The public pages that gather what several capabilities show: the calendar of upcoming events
(with seats left) and the event page (with its agenda, registration and schema.org data)."""
