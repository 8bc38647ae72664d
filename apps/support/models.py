"""Models for support (built in its own issue)."""
