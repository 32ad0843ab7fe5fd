from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegisterConfig(AppConfig):
    name = "tillgang.register"
    label = "register"
    verbose_name = "Internkontroll"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .branding import get_brand
        from .riskconfig import get_config
        from .roles import ensure_roles

        get_config()  # a broken [risk] table stops the start with a clear message
        get_brand()  # so does a logo that is missing, too large or not a plain image
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="tillgang.register.roles")
