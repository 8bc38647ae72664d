"""REST API v1. Each app registers its viewsets in `apps/<app>/api.py` with a function
`register(router)`; this module collects them so apps never edit a shared file."""

from importlib import import_module

from django.apps import apps
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
for config in apps.get_app_configs():
    if config.name.startswith("apps."):
        try:
            module = import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        module.register(router)

urlpatterns = router.urls
