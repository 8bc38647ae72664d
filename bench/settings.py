"""Settings for the benchmark: production settings (DEBUG off, so no query log in memory) with
the bench headers on, plain HTTP on 127.0.0.1, and static files served without a manifest.

The harness sets DATABASE_URL for each run; the keys below are for throwaway bench databases."""

import base64
import hashlib
import os

os.environ.setdefault("HEARTH_DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "b" * 40)
os.environ.setdefault(
    "HEARTH_FIELD_KEY", base64.urlsafe_b64encode(hashlib.sha256(os.environ["SECRET_KEY"].encode()).digest()).decode()
)
os.environ.setdefault("HEARTH_HTTPS", "0")
# The bench signs in by password only; enforcing TOTP would add a step, not a different page.
os.environ.setdefault("HEARTH_ENFORCE_2FA", "0")
os.environ.setdefault("HEARTH_LOG_LEVEL", "WARNING")

from hearth.settings import *  # noqa: F403
from hearth.settings import MIDDLEWARE, STORAGES

HEARTH_BENCH = True
BENCH_MIDDLEWARE = "apps.core.bench_middleware.BenchMiddleware"
MIDDLEWARE = [BENCH_MIDDLEWARE, *(m for m in MIDDLEWARE if m != BENCH_MIDDLEWARE)]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Lock-outs would turn a harness bug into a silent 403 storm.
AXES_ENABLED = False
