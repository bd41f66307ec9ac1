"""Delivery of signatures to their decision makers, in its own wing.

- `services`: claiming deliveries (each signature in exactly one), keeping their
  packets, sending them (through `northstar.emails.deliver`), resending, and the thin
  Celery tasks that run them;
- `letter`: the letter's text; `packets`: the PDF and CSV;
- `status`: the staff figures (where the signatures stand);
- `views`: the staff views in the Wagtail admin.

State changes are methods of `petitions.models.Delivery`.
"""
