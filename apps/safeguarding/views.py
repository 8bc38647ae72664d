"""Views for safeguarding."""
