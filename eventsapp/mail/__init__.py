"""The outbox: emails are written in the request's transaction and sent after it, with retries."""
