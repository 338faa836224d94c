"""Every way in passes the same two factors (issue 15, item 1)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from portale.accounts.models import SecurityEvent
from portale.accounts.sessions.db import SessionStore
from portale.accounts.testing import TEST_PASSWORD, client_login
from portale.backoffice.services import operator_grant
from portale.core.capabilities import Profile
from portale.core.context import build_context

Kind = SecurityEvent.Kind


@pytest.fixture
def operator(staff):
    staff.set_password(TEST_PASSWORD)
    staff.save()
    operator_grant(user=staff)
    return staff


@pytest.mark.django_db
def test_the_admin_login_form_opens_no_session(client, operator):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": operator.username, "password": TEST_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert SESSION_KEY not in client.session
    assert client.get(reverse("backoffice:index")).status_code in (302, 403)
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_the_admin_login_page_leads_to_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/accounts/securityevent/")
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("accounts:login") + "?next=%2Fadmin%2Faccounts%2Fsecurityevent%2F"
    )


@pytest.mark.django_db
def test_a_password_only_session_is_refused_everywhere_and_audited(client, operator):
    # The session a password-only authenticate() + login() opens (the admin's own form did).
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("backoffice:index")).status_code in (302, 403)
    assert SESSION_KEY not in client.session
    assert client.get(reverse("home:index")).status_code == 302
    assert client.get("/admin/accounts/securityevent/").status_code == 302
    assert SecurityEvent.objects.filter(user=operator, kind=Kind.SESSION_REJECTED).exists()


@pytest.mark.django_db
def test_the_back_office_profile_needs_the_second_factor(operator):
    session = SessionStore()
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    assert Profile.STAFF not in build_context(user=operator, session=session).profiles
    session["_auth_user_backend"] = "portale.accounts.backends.SecondFactorBackend"
    assert Profile.STAFF in build_context(user=operator, session=session).profiles


@pytest.mark.django_db
def test_staff_log_in_with_the_code_and_the_login_and_admin_entry_are_audited(client, operator):
    response = client_login(client, operator)
    assert response.status_code == 302
    assert client.get(reverse("backoffice:index")).status_code == 200
    login = SecurityEvent.objects.get(user=operator, kind=Kind.LOGIN_OK)
    assert login.detail == "staff"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/securityevent/").status_code == 200
    assert SecurityEvent.objects.filter(user=operator, kind=Kind.ADMIN_LOGIN).count() == 1
