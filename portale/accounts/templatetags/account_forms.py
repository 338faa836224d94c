"""``{% load account_forms %}``: the project's field rendering (``portal_forms``), for the
accounts templates that load it under this name."""

from django import template

from portale.core.templatetags.portal_forms import as_input

register = template.Library()
register.filter("as_input", as_input)
