"""Webhooks: subscriptions of other systems to what happens here (a registration approved, an event
changed...), each delivery signed, sent by the worker after the commit, retried, and logged."""
