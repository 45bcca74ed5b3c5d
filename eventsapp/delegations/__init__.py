"""Delegations: authorities nominate their officials through a focal point."""
