"""Views for chronology."""
