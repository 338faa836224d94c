"""Tests outside the Django apps (browser tests in tests/e2e); shared fixtures come from the
root conftest.py (one user per profile)."""
