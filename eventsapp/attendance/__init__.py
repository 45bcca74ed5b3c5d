"""After approval: messages to participants, badges, check-in, certificates, evaluations."""
