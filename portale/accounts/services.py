"""Account writes: completing a login."""

from django.contrib.auth import login


def user_login_complete(*, request, user) -> None:
    """Open the session once every login step passed (password, then OTP when enabled).

    ``login`` rotates the session key, so a session fixed before login is worthless.
    """
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
