from django import template

from ..charts import _shown

register = template.Library()


@register.filter
def figure(value, unit):
    """A figure's value as shown: percent with one decimal, a count as is, none as a dash."""
    return _shown(value, unit)
