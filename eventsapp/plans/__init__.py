"""Work programmes and action plans: their import from documents, their items and progress."""
