from django.shortcuts import render

from portale.core.capabilities import capability_required


@capability_required("backoffice.queue")
def index(request):
    return render(request, "backoffice/index.html")
