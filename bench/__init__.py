"""Hearth's benchmark harness (`make bench`, `make bench-smoke`). See docs/performance.md."""
