"""The inspection code of a fixed visit (its QR code opens the public verification page), for templates."""

from django import template
from django.utils.safestring import mark_safe

from inspections import qrtokens
from inspections.pdf import task_verify_url

register = template.Library()


@register.simple_tag
def task_code_url(task) -> str:
    """The address the visit's inspection code points to: the same one the printed notice carries."""
    return task_verify_url(task)


@register.simple_tag
def task_code_svg(task) -> str:
    # The SVG is built by the qrcode library from a URL made of the site address and a signed token.
    return mark_safe(qrtokens.qr_svg(task_verify_url(task)))
