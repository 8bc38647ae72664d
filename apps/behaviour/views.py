"""Views for behaviour."""
