"""Sections (门类) of the national industry classification, GB/T 4754-2017."""
from django.utils.translation import gettext_lazy as _

INDUSTRIES = [
    ("A", _("Agriculture, forestry, animal husbandry and fishery")),
    ("B", _("Mining")),
    ("C", _("Manufacturing")),
    ("D", _("Electricity, heat, gas and water supply")),
    ("E", _("Construction")),
    ("F", _("Wholesale and retail")),
    ("G", _("Transport, storage and post")),
    ("H", _("Accommodation and catering")),
    ("I", _("Information transmission, software and IT services")),
    ("J", _("Finance")),
    ("K", _("Real estate")),
    ("L", _("Leasing and business services")),
    ("M", _("Scientific research and technical services")),
    ("N", _("Water conservancy, environment and public facilities")),
    ("O", _("Residential and other services")),
    ("P", _("Education")),
    ("Q", _("Health and social work")),
    ("R", _("Culture, sports and entertainment")),
    ("S", _("Public administration and social organisations")),
    ("T", _("International organisations")),
]
INDUSTRY_CODES = {code for code, _label in INDUSTRIES}
