from django.shortcuts import render

from portale.core.capabilities import capability_required


@capability_required("home")
def index(request):
    return render(request, "home/index.html")
