"""Views for attendance."""
