"""Sample data, not part of the checks: the demo traffic day (demo_day.yaml), its loader (day_spec.py) and
the generator of a day of calls from it (day.py)."""
