"""Views for audit."""
