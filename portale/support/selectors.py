"""Reads of Assistenza."""

from __future__ import annotations

from django.db.models import QuerySet

from portale.core.capabilities import Profile
from portale.core.context import PortalContext

from .models import CallbackRequest, CallbackState, Manual


def manuals_for(*, ctx: PortalContext) -> QuerySet[Manual]:
    """The published manuals this user may read (referents see the referent-only ones)."""
    qs = Manual.objects.filter(published=True)
    if not (ctx.profiles & {Profile.ROA, Profile.MAN, Profile.EB, Profile.TM, Profile.MSG}):
        qs = qs.filter(audience=Manual.Audience.EVERYONE)
    return qs


def waiting_callback(*, user) -> CallbackRequest | None:
    return CallbackRequest.objects.filter(user=user, state=CallbackState.WAITING).first()


def callback_queue(*, open_only: bool = True) -> QuerySet[CallbackRequest]:
    qs = CallbackRequest.objects.select_related("user", "contract", "operator")
    if open_only:
        qs = qs.filter(state__in=[CallbackState.WAITING, CallbackState.UNREACHABLE])
    return qs
