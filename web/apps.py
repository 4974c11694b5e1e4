from django.apps import AppConfig


class WebConfig(AppConfig):
    """Everything the site serves: the staff dashboard, the admin's pages and actions."""

    name = "web"
    verbose_name = "Web"
