"""Celery tasks of the campaigns app: thin, taking primary keys, each running one service."""

from celery import shared_task  # noqa: F401

# --- invitations ("ask five friends") ---

# --- owner notifications ---
