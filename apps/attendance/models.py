"""Models for attendance (built in its own issue)."""
