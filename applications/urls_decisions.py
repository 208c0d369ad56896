"""Staff URLs of the committee: decisions, outbox of letters, waiting list, hand-over to a convention."""

urlpatterns: list = []
