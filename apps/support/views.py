"""Views for support."""
