app_name = "events_staff"
urlpatterns: list = []
