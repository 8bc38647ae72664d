"""Test settings: the production settings with the few things tests must change."""

import os

os.environ.setdefault("HEARTH_DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "t" * 30)
os.environ.setdefault("HEARTH_FIELD_KEY", "dGVzdC1maWVsZC1rZXktMzItYnl0ZXMtbG9uZy0xMjM=")
os.environ.setdefault("HEARTH_HTTPS", "0")

from hearth.settings import *  # noqa: F403
from hearth.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; argon2 is tested explicitly
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HEARTH_ENFORCE_2FA = True
AXES_ENABLED = True
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
