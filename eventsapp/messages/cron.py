"""The worker's jobs of messages (stub)."""
