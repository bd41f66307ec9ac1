"""The campaigns app in the Wagtail admin."""

from wagtail import hooks  # noqa: F401

# --- campaign report ---

# --- taking down a fundraiser page ---
