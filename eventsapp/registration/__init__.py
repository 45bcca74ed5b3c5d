"""Online registration: settings per event, registrations, waiting list, invitations."""
