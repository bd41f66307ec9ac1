# campaign, stripe_keys and no_stripe: the suite's kit (tests/support/kit.py).
