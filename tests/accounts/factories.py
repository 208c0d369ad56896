"""Account factories: the shared UserFactory, re-exported for this app's tests."""

from tests.factories import UserFactory, give_second_factor

__all__ = ["UserFactory", "give_second_factor"]
