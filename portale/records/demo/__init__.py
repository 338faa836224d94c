"""Demo data for the systems of record and the demo users (``manage.py demo_data``)."""
