"""Fails while being imported."""
raise RuntimeError("bad_import_agent refuses to load")
