"""Portal pages of the visit and what follows: one module per portal, each with its own urlpatterns."""
