from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Sign-in events come from Django's auth signals; they are the only way to see them.
        from . import signals  # noqa: F401
