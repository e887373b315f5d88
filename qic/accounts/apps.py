from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "qic.accounts"
    label = "accounts"
    verbose_name = "Sign-in and security"

    def ready(self) -> None:
        # Auth and lockout signals write the sign-in audit events.
        from qic.accounts import receivers  # noqa: F401
