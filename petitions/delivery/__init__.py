"""Delivery of signatures to their decision makers, in its own wing.

- `services`: claiming deliveries (each signature in exactly one), keeping their
  packets, sending them (through `northstar.emails.deliver`), resending;
- `letter`: the letter's text; `packets`: the PDF and CSV;
- `status`: the staff figures (where the signatures stand);
- `views`: the staff views in the Wagtail admin;
- `tasks`: the thin Celery tasks that run the services.

State changes are methods of `petitions.models.Delivery`.
"""
