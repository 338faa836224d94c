from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    error_messages = {
        "invalid_login": _("Username o password non corretti. Verifica i dati inseriti e riprova."),
    }

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        username, password = data.get("username"), data.get("password")
        if username and password:
            self.user = authenticate(self.request, username=username, password=password)
            if self.user is None or not self.user.is_active or self.user.status != "active":
                self.user = None
                raise forms.ValidationError(
                    self.error_messages["invalid_login"], code="invalid_login"
                )
        return data
