"""Staff write an event's title, purpose and description in other languages (stub)."""
