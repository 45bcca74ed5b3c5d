"""Did the training work: an event's outcomes (attendance per session, completion, learning gain,
follow-up) in one place, and plan indicators computed from the events that carry an item out."""
