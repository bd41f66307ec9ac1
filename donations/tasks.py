"""The donations app's Celery tasks, each beside the service it runs (imported here so that
Celery's autodiscovery registers them)."""

from .recurring import bill_monthly_gifts

__all__ = ["bill_monthly_gifts"]
