app_name = "myline"
urlpatterns: list = []
