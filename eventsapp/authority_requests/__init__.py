"""Requests from electoral authorities: a workshop, internship, course place or technical
assistance asked for, triaged by staff into a proposed event, and an internship's final report."""
