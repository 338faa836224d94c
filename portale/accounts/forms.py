from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import validators as v
from .selectors import mobile_eligibility


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    error_messages = {
        "invalid_login": _("Username o password non corretti. Verifica i dati inseriti e riprova."),
        "throttled": _(
            "Troppi tentativi di accesso non riusciti da questa rete. Attendi qualche minuto "
            "e riprova."
        ),
    }

    def __init__(self, *args, request=None, throttled: bool = False, **kwargs):
        self.request = request
        self.throttled = throttled  # the view found a flood from this address: no password check
        self.user = None
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self):
        data = super().clean()
        username, password = data.get("username"), data.get("password")
        if self.throttled:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        if username and password:
            # authenticate() goes through django-axes, which counts the failures.
            self.user = authenticate(self.request, username=username, password=password)
            if self.user is None or not self.user.is_active or self.user.status != "active":
                self.user = None
                raise forms.ValidationError(
                    self.error_messages["invalid_login"], code="invalid_login"
                )
        return data


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("Codice temporaneo"),
        max_length=6,
        min_length=6,
        error_messages={
            "required": _("Inserisci il codice temporaneo ricevuto via SMS."),
            "min_length": _("Il codice temporaneo è composto da 6 cifre."),
            "max_length": _("Il codice temporaneo è composto da 6 cifre."),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise ValidationError(_("Il codice temporaneo è composto da 6 cifre."))
        return code


# --- registration ------------------------------------------------------------------------


class NumberForm(forms.Form):
    """Step 1: the TIM number and the slider (a range input, checked on the server)."""

    msisdn = forms.CharField(
        label=_("Numero mobile TIM"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel-national"}),
        error_messages={"required": _("Inserisci il tuo numero mobile TIM.")},
    )
    slider = forms.IntegerField(
        label=_("Sposta il cursore a destra e clicca su AVANTI"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"type": "range", "min": 0, "max": 100, "step": 1}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.eligibility = None
        self.fields["slider"].widget.attrs["value"] = 0

    def clean_slider(self):
        if self.cleaned_data.get("slider") != 100:
            raise ValidationError(
                _(
                    "Sposta il cursore fino all'estremità destra della barra prima di cliccare su AVANTI."
                )
            )
        return 100

    def clean_msisdn(self):
        # Eligible or not, the number goes on to the code step the same way (issue 15.4): the
        # answer must not tell which numbers are PA lines. Only eligible numbers get the SMS
        # (``otp.otp_issue``), and both spend the same budgets.
        msisdn = v.validate_msisdn(self.cleaned_data["msisdn"])
        self.eligibility = mobile_eligibility(msisdn=msisdn)
        return msisdn


class PersonalDataForm(forms.Form):
    """Step 3: nome, cognome, CF personale and the Ente's CF, which must own the line."""

    first_name = forms.CharField(label=_("Nome"), max_length=150)
    last_name = forms.CharField(label=_("Cognome"), max_length=150)
    fiscal_code = forms.CharField(label=_("Codice Fiscale personale"), max_length=20)
    entity_fiscal_code = forms.CharField(
        label=_("Codice Fiscale dell'Ente/Amministrazione"), max_length=20
    )

    def __init__(self, *args, eligibility=None, **kwargs):
        self.eligibility = eligibility
        super().__init__(*args, **kwargs)
        for name in ("fiscal_code", "entity_fiscal_code"):
            self.fields[name].widget.attrs["style"] = "text-transform:uppercase"

    def clean_first_name(self):
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self):
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_fiscal_code(self):
        return v.validate_personal_fiscal_code(self.cleaned_data["fiscal_code"])

    def clean_entity_fiscal_code(self):
        code = v.validate_entity_fiscal_code(self.cleaned_data["entity_fiscal_code"])
        if self.eligibility is not None and code not in self.eligibility.entity_fiscal_codes:
            raise ValidationError(
                _(
                    "Il Codice Fiscale dell'Ente/Amministrazione non corrisponde a quello "
                    "dell'Ente a cui è intestata la linea indicata. Non confondere il Codice "
                    "Fiscale dell'Ente con quello personale."
                ),
                code="entity_mismatch",
            )
        return code

    def clean(self):
        data = super().clean()
        if data.get("fiscal_code") and data.get("fiscal_code") == data.get("entity_fiscal_code"):
            self.add_error(
                "entity_fiscal_code",
                _("Il Codice Fiscale dell'Ente/Amministrazione non può essere quello personale."),
            )
        return data


def _email_field(label):
    return forms.EmailField(
        label=label,
        max_length=254,
        error_messages={"invalid": _("Inserisci un indirizzo email valido.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class EmailForm(forms.Form):
    """Step 4: the e-mail (no PEC) and the username, which defaults to the e-mail."""

    email = _email_field(_("Email"))
    username = forms.CharField(label=_("Username"), max_length=150, required=False)

    def __init__(self, *args, replaces_id=None, **kwargs):
        self.replaces_id = replaces_id
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        v.validate_not_pec(email)
        return email

    def clean_username(self):
        username = self.cleaned_data.get("username", "").strip()
        if username:
            try:
                get_user_model().username_validator(username)
            except ValidationError as exc:
                raise ValidationError(
                    _("La username può contenere lettere, cifre e i caratteri @ . + - _")
                ) from exc
        return username

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        username = data.get("username") or data.get("email")
        data["username"] = username
        taken = get_user_model().objects.filter(username__iexact=username)
        if self.replaces_id:
            taken = taken.exclude(pk=self.replaces_id)
        if taken.exists():
            self.add_error(
                "username",
                _("La username scelta è già utilizzata: clicca su MODIFICA e scegline un'altra."),
            )
        return data


class PasswordPolicyMixin:
    """G-05 rules plus Django's AUTH_PASSWORD_VALIDATORS, with messages next to the field."""

    password_user = None
    password_username = ""
    password_email = ""

    def _check_new_password(self, password):
        errors = v.password_policy_errors(
            password,
            user=self.password_user,
            username=self.password_username,
            email=self.password_email,
        )
        if not errors:
            try:
                password_validation.validate_password(password, self.password_user)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return password

    def _check_confirmation(self, data, first="password1", second="password2"):
        if data.get(first) and data.get(second) and data[first] != data[second]:
            self.add_error(second, _("Le due password non coincidono."))


def _password_field(label, autocomplete="new-password"):
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class RegistrationPasswordForm(PasswordPolicyMixin, forms.Form):
    password1 = _password_field(_("Password"))
    password2 = _password_field(_("Conferma password"))
    accept_terms = forms.BooleanField(
        label=_("Ho scaricato, letto e accetto i Termini e condizioni generali"),
        error_messages={
            "required": _("Per proseguire devi accettare i Termini e condizioni generali.")
        },
    )
    accept_privacy = forms.BooleanField(
        label=_("Ho scaricato e letto l'Informativa della privacy"),
        error_messages={
            "required": _("Per proseguire devi accettare l'Informativa della privacy.")
        },
    )

    def __init__(self, *args, username="", email="", **kwargs):
        self.password_username, self.password_email = username, email
        super().__init__(*args, **kwargs)

    def clean_password1(self):
        return self._check_new_password(self.cleaned_data["password1"])

    def clean(self):
        data = super().clean()
        self._check_confirmation(data)
        return data


class PasswordResetForm(PasswordPolicyMixin, forms.Form):
    password1 = _password_field(_("Nuova password"))
    password2 = _password_field(_("Conferma nuova password"))

    def __init__(self, *args, user=None, **kwargs):
        self.password_user = user
        super().__init__(*args, **kwargs)

    def clean_password1(self):
        return self._check_new_password(self.cleaned_data["password1"])

    def clean(self):
        data = super().clean()
        self._check_confirmation(data)
        return data


class PasswordChangeForm(PasswordResetForm):
    current_password = _password_field(_("Password attuale"), "current-password")
    field_order = ["current_password", "password1", "password2"]

    def clean_current_password(self):
        value = self.cleaned_data["current_password"]
        if not self.password_user.check_password(value):
            raise ValidationError(_("La password attuale non è corretta."))
        return value


# --- recovery ----------------------------------------------------------------------------


class RecoveryModeForm(forms.Form):
    MODES = [
        ("username", _("Recupera username")),
        ("password", _("Recupera password")),
        ("both", _("Recupera username e password")),
    ]
    mode = forms.ChoiceField(
        label=_("Cosa vuoi recuperare?"),
        choices=MODES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Seleziona una delle 3 modalità di recupero.")},
    )


class RecoveryDataForm(forms.Form):
    """The data given at registration: depends on the mode (G-06)."""

    username = forms.CharField(label=_("Username"), max_length=150, required=False)
    msisdn = forms.CharField(label=_("Numero mobile TIM"), max_length=20)
    fiscal_code = forms.CharField(
        label=_("Codice Fiscale personale"), max_length=20, required=False
    )

    def __init__(self, *args, mode="username", **kwargs):
        self.mode = mode
        super().__init__(*args, **kwargs)
        if mode == "password":
            del self.fields["fiscal_code"]
            self.fields["username"].required = True
        else:
            del self.fields["username"]
            self.fields["fiscal_code"].required = True
            self.fields["fiscal_code"].widget.attrs["style"] = "text-transform:uppercase"

    def clean_msisdn(self):
        return v.validate_msisdn(self.cleaned_data["msisdn"])

    def clean_fiscal_code(self):
        return v.validate_personal_fiscal_code(self.cleaned_data["fiscal_code"])


# --- personal data (F-6) -----------------------------------------------------------------


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Nome"), max_length=150)
    last_name = forms.CharField(label=_("Cognome"), max_length=150)
    fiscal_code = forms.CharField(label=_("Codice Fiscale personale"), max_length=20)
    confirm_timtuo = forms.BooleanField(
        label=_("Confermo la modifica del Codice Fiscale pur avendo il servizio TIM TUO attivo"),
        required=False,
    )

    def __init__(self, *args, user=None, timtuo_active=False, **kwargs):
        self.user = user
        self.timtuo_active = timtuo_active
        super().__init__(*args, **kwargs)
        self.fields["fiscal_code"].widget.attrs["style"] = "text-transform:uppercase"
        if not timtuo_active:
            del self.fields["confirm_timtuo"]

    def clean_fiscal_code(self):
        return v.validate_personal_fiscal_code(self.cleaned_data["fiscal_code"])

    def clean(self):
        data = super().clean()
        if (
            self.timtuo_active
            and data.get("fiscal_code")
            and data["fiscal_code"] != self.user.fiscal_code
            and not data.get("confirm_timtuo")
        ):
            self.add_error(
                "confirm_timtuo",
                _(
                    "Il servizio TIM TUO è attivo sulla tua linea: conferma la modifica del "
                    "Codice Fiscale."
                ),
            )
        return data


class EmailChangeForm(forms.Form):
    new_email = _email_field(_("Nuova email"))

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_email(self):
        email = self.cleaned_data["new_email"].strip().lower()
        v.validate_not_pec(email)
        if self.user is not None and email == (self.user.email or "").lower():
            raise ValidationError(_("Il nuovo indirizzo è uguale a quello attuale."))
        return email
