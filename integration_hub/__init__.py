"""Integration Hub: the Django project and the core app (settings, models, services, CLI)."""
