app_name = "rating"
urlpatterns: list = []
