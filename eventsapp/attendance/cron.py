"""The worker's jobs of attendance (stub)."""
