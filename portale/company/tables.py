"""Gestione referenti (F-7.1.2) declared with the list component (DESIGN §5.2)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portale.core.lists import Column, Table
from portale.records.models import Referent

# Rows the ROA may change: the single-service referents (Master and Mandatario only e-mail,
# F-7.1.2 "Nota" and G-03).
EDITABLE_ROLES = {Referent.Role.EBILL, Referent.Role.TRAFFIC_MANAGER, Referent.Role.MESSAGING}
ROLE_ORDER = ["MASTER", "MANDATARIO", "EBILL", "TRAFFIC", "MESSAGING"]


def with_role_rank(queryset):
    """ "Tipologia" sorts in the guide's order (Master first), not alphabetically."""
    return queryset.annotate(
        role_rank=Case(
            *[When(role=code, then=Value(i)) for i, code in enumerate(ROLE_ORDER)],
            default=Value(len(ROLE_ORDER)),
            output_field=IntegerField(),
        )
    )


class RoleColumn(Column):
    """ "Tipologia", with the G-09 "In lavorazione" badge of an open "Referenti" pratica."""

    def html(self, row) -> str:
        label = super().html(row)
        case = getattr(row, "pending_case", None)
        if case is None:
            return label
        return format_html(
            '{} <span class="badge bg-warning text-dark" title="{} {}">{}</span>',
            label,
            _("Pratica"),
            case.number,
            _("In lavorazione"),
        )


class MenuColumn(Column):
    """The "⋮" menu: e-mail always; replace/edit on single-service rows with no open case."""

    header_hidden = True

    def __init__(self, label):
        super().__init__(label, lambda r: "", export=False)

    def html(self, row) -> str:
        return render_to_string("company/_referent_menu.html", {"r": row})


class ReferentTable(Table):
    role = RoleColumn(
        _("Tipologia"), "role", sort=("role_rank", "last_name"), choices=Referent.Role
    )
    fiscal_code = Column(_("C.F. personale"), sort=True)
    last_name = Column(_("Cognome"), sort=True)
    first_name = Column(_("Nome"), sort=True)
    mobile = Column(_("N° mobile"), sort=True)
    menu = MenuColumn(_("Azioni"))

    class Meta:
        key_columns = ("role", "last_name", "first_name", "menu")
        default_order = "role"
        export_formats = ()
        caption = _("Referenti del contratto")
        empty_text = _("Nessun referente.")

    def __init__(self, *args, pending: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = pending or {}  # referent pk → its open "Referenti" pratica

    @cached_property
    def rows(self):
        for ref in self.page.object_list:
            ref.pending_case = self.pending.get(ref.pk)
            ref.editable = ref.role in EDITABLE_ROLES
        return Table.rows.func(self)
