"""Models for safeguarding (built in its own issue)."""
