from django.urls import path

from . import sandbox

app_name = "psp_sandbox"
urlpatterns = [
    path("", sandbox.cards, name="cards"),
    path("pagamento/<str:blob>/", sandbox.pay, name="pay"),
    path("3ds/<str:blob>/", sandbox.challenge, name="challenge"),
]
