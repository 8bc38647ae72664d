from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "apps.safeguarding"
    label = "safeguarding"
