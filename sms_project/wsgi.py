"""WSGI entry point: `gunicorn sms_project.wsgi` or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sms_project.settings")
application = get_wsgi_application()
