"""Messages staff write to participants: composed, previewed, sent through the outbox, logged."""
