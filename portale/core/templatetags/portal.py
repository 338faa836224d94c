"""Page-frame helpers shared by every template: ``{% load portal %}``.

- ``{% safe_url "accounts:register" "accounts:login" %}``: the first URL name that resolves
  (pages built by other apps may not exist yet); "#" if none does.
- ``{% contacts_url %}``: Assistenza → Contatti (F-7.7.1), or the public contacts page.
- ``{% capability_url "company.profile" %}``: the URL of a function if the user may use it.
- ``{% icon "it-user" "icon-sm icon-white" %}``: an SVG from Bootstrap Italia's sprite.
- ``{% breadcrumb breadcrumbs %}``: "Home > <menu> > <page>" from [(label, url), ...] (P-20).
- ``{% hint "attenzione" %}…{% endhint %}``: "Suggerimento:", "Attenzione:", "Nota:" boxes (P-17).
- ``{% help_bar %}``: the blue "Hai bisogno di aiuto? Contattaci!" bar (P-01).
- ``{% framecache "name" v1 v2 %}…{% endframecache %}``: a piece of the page frame rendered
  once per process for each set of values (``portale/core/frame_cache.py``, issue 17).
"""

from django import template
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portale.core.lists.formats import euro

register = template.Library()
register.filter("eur", euro)  # an amount as the portal writes it: "1.234,50 €"


def first_url(*names, **kwargs) -> str:
    # The frame asks the same few URLs on every page: kept per process (issue 17); URLs
    # with arguments are not (their number is not bounded).
    if kwargs:
        return _first_url(names, kwargs)
    key = ("url", names, get_script_prefix(), get_urlconf())
    url = _MEMO.get(key)
    if url is None:
        url = _MEMO[key] = _first_url(names, kwargs)
    return url


def _first_url(names, kwargs) -> str:
    for name in names:
        if not name:
            continue
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    return "#"


_MEMO: dict[tuple, object] = {}
# An integer no real key reaches, put where the id goes when a URL is reversed once.
_ID_PLACEHOLDER = 987_654_321_987_654_321


def url_with_id(name: str, value) -> str:
    """``reverse(name, args=[value])`` for a URL whose one argument is an integer id (an
    ``<int:pk>`` path), reversed once per process and URL prefix with a placeholder where
    the id goes (issue 17: a list draws a few such links a row, ~16 µs each through
    ``reverse``)."""
    key = ("url_with_id", name, get_script_prefix(), get_urlconf())
    parts = _MEMO.get(key)
    if parts is None:
        parts = _MEMO[key] = reverse(name, args=[_ID_PLACEHOLDER]).split(str(_ID_PLACEHOLDER))
        if len(parts) != 2:
            raise ValueError(f"{name}: not a URL with one integer argument")
    return f"{parts[0]}{int(value)}{parts[1]}"


def _clear_memo(**kwargs) -> None:
    _MEMO.clear()


setting_changed.connect(_clear_memo, dispatch_uid="portale.core.templatetags.portal.memo")


@register.simple_tag
def safe_url(*names, **kwargs) -> str:
    return first_url(*names, **kwargs)


@register.simple_tag
def contacts_url() -> str:
    return first_url("support:contacts", "public:contacts")


@register.simple_tag(takes_context=True)
def capability_url(context, code: str) -> str:
    portal = context.get("portal")
    if portal is None:
        return ""
    from portale.core import capabilities

    try:
        cap = capabilities.get(code)
    except KeyError:
        return ""
    if not cap.allows(portal):
        return ""
    return cap.url or ""


@register.simple_tag
def icon(name: str, classes: str = "", title: str = "") -> str:
    key = ("icon", name, classes, str(title))
    html = _MEMO.get(key)
    if html is None:
        html = _MEMO[key] = _icon(name, classes, title)
    return html


def _icon(name: str, classes: str, title: str) -> str:
    sprite = static("vendor/bootstrap-italia/svg/sprites.svg")
    if title:
        return format_html(
            '<svg class="icon {}" role="img" aria-label="{}"><use href="{}#{}"></use></svg>',
            classes,
            title,
            sprite,
            name,
        )
    return format_html(
        '<svg class="icon {}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        classes,
        sprite,
        name,
    )


@register.inclusion_tag("includes/breadcrumb.html", takes_context=True)
def breadcrumb(context, items=None):
    """Items are (label, url) pairs; the last one is the current page (no link needed)."""
    home = (
        first_url("home:index")
        if context.get("user") and context["user"].is_authenticated
        else first_url("public:index")
    )
    crumbs = [(pgettext("portal menu", "Home"), home)]
    for item in items or []:
        label, url = (
            (item, "") if isinstance(item, str) else (item[0], item[1] if len(item) > 1 else "")
        )
        crumbs.append((label, url))
    return {"crumbs": crumbs}


HINTS = {
    "suggerimento": ("success", "it-info-circle", "Suggerimento:"),
    "attenzione": ("warning", "it-warning-circle", "Attenzione:"),
    "nota": ("note", "it-info-circle", "Nota:"),
}


class HintNode(template.Node):
    def __init__(self, kind, nodelist):
        self.kind = kind
        self.nodelist = nodelist

    def render(self, context):
        kind = str(self.kind.resolve(context)).lower().rstrip(":")
        css, icon_name, title = HINTS.get(kind, HINTS["nota"])
        body = self.nodelist.render(context)
        return format_html(
            '<div class="callout {} portal-hint"><div class="callout-title">{}'
            '<span class="text">{}</span></div><div class="portal-hint-body">{}</div></div>',
            css,
            icon(icon_name),
            _(title),
            body,
        )


@register.tag
def hint(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('usage: {% hint "suggerimento|attenzione|nota" %}')
    kind = parser.compile_filter(bits[1])
    nodelist = parser.parse(("endhint",))
    parser.delete_first_token()
    return HintNode(kind, nodelist)


class FrameCacheNode(template.Node):
    def __init__(self, name, vary, nodelist):
        self.name = name
        self.vary = vary
        self.nodelist = nodelist

    def render(self, context):
        from portale.core import frame_cache

        vary = tuple(str(v.resolve(context)) for v in self.vary)
        return frame_cache.get_or_render(self.name, vary, lambda: self.nodelist.render(context))


@register.tag
def framecache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('usage: {% framecache "name" value… %}')
    nodelist = parser.parse(("endframecache",))
    parser.delete_first_token()
    vary = [parser.compile_filter(b) for b in bits[2:]]
    return FrameCacheNode(bits[1][1:-1], vary, nodelist)


@register.inclusion_tag("includes/help_bar.html")
def help_bar():
    return {"contacts_url": contacts_url()}
