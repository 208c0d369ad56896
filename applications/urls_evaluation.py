"""Staff URLs of the evaluation: evaluators, assignments (by hand, automatic), ranking, reopening."""

urlpatterns: list = []
