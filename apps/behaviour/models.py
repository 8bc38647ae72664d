"""Models for behaviour (built in its own issue)."""
