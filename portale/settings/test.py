"""Test settings: fast hasher, in-memory e-mail, tasks run synchronously."""

import os

os.environ.setdefault("PORTALE_DEMO", "1")
os.environ.setdefault("HUEY_IMMEDIATE", "1")

from .base import *  # noqa: E402,F403
from .base import HUEY  # noqa: E402

# Fast hashing for the users tests create; argon2 still verifies the demo database's users.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {**HUEY, "immediate": True}
if "filename" in HUEY:
    HUEY["filename"] = ":memory:"
# Notifications: the outbox backend (tests switch backends with override_settings).
NOTIFY_EMAIL_BACKEND = "outbox"
NOTIFY_SMS_BACKEND = "outbox"
SMS_HTTP_URL = ""
SMS_HTTP_TOKEN = ""
AXES_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files from the finders, unhashed (no collectstatic needed); the
# production storage is tested in portale/core/tests/test_static_delivery.py.
WHITENOISE_USE_FINDERS = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
