from django.apps import AppConfig


class CifreConfig(AppConfig):
    """The project package as an app: project-wide system checks."""

    name = "cifre"
    verbose_name = "CIFRE"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the checks
