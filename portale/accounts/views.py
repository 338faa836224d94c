from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portale.core.capabilities import capability_required, public_view

from .forms import LoginForm
from .services import user_login_complete


@public_view
def login(request):
    if request.user.is_authenticated:
        return redirect("home:index")
    form = LoginForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user_login_complete(request=request, user=form.user)
        nxt = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
            nxt = ""
        return redirect(nxt or "home:index")
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@public_view
@require_POST
def logout(request):
    auth_logout(request)
    return redirect("public:index")


@capability_required("personal_data")
def personal_data(request):
    return render(request, "accounts/personal_data.html")
