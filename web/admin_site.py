"""The admin site, its registrations read when first needed instead of at start-up.

Django's admin imports every app's ``admin`` module while the apps load, so each
``manage.py ingest``/``carpenter``/``run`` (hourly, from the scheduler too) paid about
0.1 s importing the admin's pages, actions and the dashboard's queries that it never
serves. This site imports them on the first look at its registry instead: drawing the
URLs (the first request, ``manage.py check``'s URL check), the admin's system checks, or
any ``admin.site`` lookup. What is registered, and every check, is unchanged.
"""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import SimpleAdminConfig


class LazyAdminSite(AdminSite):
    """An ``AdminSite`` that runs the admin's autodiscovery on first use of its registry."""

    def __init__(self, name: str = "admin") -> None:
        # An RLock: registering during discovery reads the registry in the same thread;
        # another thread waits for discovery to finish rather than see half of it.
        self._discovery_lock = threading.RLock()
        self._discovery = "pending"
        super().__init__(name)

    @property
    def _registry(self) -> dict[Any, Any]:
        if self._discovery != "done":
            self._discover()
        return self.__dict__["_models"]

    @_registry.setter
    def _registry(self, value: dict[Any, Any]) -> None:
        self.__dict__["_models"] = value

    def _discover(self) -> None:
        with self._discovery_lock:
            if self._discovery != "pending":
                return  # done by another thread, or under way in this one
            self._discovery = "running"
            try:
                from django.contrib.admin import autodiscover

                autodiscover()
            except BaseException:
                self._discovery = "pending"  # the next look fails the same way, loudly
                raise
            self._discovery = "done"


class LazyAdminConfig(SimpleAdminConfig):
    """``django.contrib.admin`` with ``LazyAdminSite`` as ``admin.site``; its checks as ever."""

    default_site = "web.admin_site.LazyAdminSite"

    def ready(self) -> None:
        super().ready()
        # Make the site now (cheap: nothing is discovered): the admin's checks go over
        # the sites made so far, and would find none if nothing had looked at it yet.
        from django.contrib.admin import site

        site._setup()
