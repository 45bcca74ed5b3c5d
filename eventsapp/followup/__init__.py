"""Follow-up surveys: months after an event, a short survey to its participants ("what have you
applied?"), with reminders, the list of who has not answered, and the answers in the results."""
