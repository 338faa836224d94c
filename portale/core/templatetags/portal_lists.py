"""``{% load portal_lists %}``: pieces of the list component drawn in Python (issue 17).

``{% list_export table %}``: the export form above a list, with the page's CSRF token
(``core/list/_export.html``).
"""

from django import template
from django.template.defaulttags import CsrfTokenNode

from portale.core.lists.body import export_html

register = template.Library()


@register.simple_tag(takes_context=True)
def list_export(context, table) -> str:
    return export_html(table, CsrfTokenNode().render(context))
