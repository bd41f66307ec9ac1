# texas_ag and petition: the suite's kit (tests/support/kit.py).
