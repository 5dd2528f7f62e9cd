"""Sample data: the demo traffic day (demo_day.yaml) and its loader (day_spec.py)."""
