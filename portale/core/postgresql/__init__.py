"""The portal's PostgreSQL engine: Django's, with server-side binding made safe for long
statements (``base.py``)."""
