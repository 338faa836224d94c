from django.shortcuts import render

from portale.core.capabilities import public_view


@public_view
def index(request):
    return render(request, "public/index.html")
