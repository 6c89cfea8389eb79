"""The inspection code of a fixed visit (its QR code opens the public verification page), for templates."""

from django import template
from django.utils.safestring import mark_safe

from inspections.verification import inspection_code

register = template.Library()


@register.simple_tag
def task_code_url(task) -> str:
    """The address the visit's inspection code points to: the same one the printed notice and the API carry."""
    return inspection_code(task).verify_url


@register.simple_tag
def task_code_svg(task) -> str:
    # The SVG is built by the qrcode library from a URL made of the site address and a signed token.
    return mark_safe(inspection_code(task).qr_svg())
