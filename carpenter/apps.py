from django.apps import AppConfig


class CarpenterConfig(AppConfig):
    name = "carpenter"
    verbose_name = "Carpenter"
