import factory

from accounts.tests.factories import DepartmentFactory
from catalogue.models import Matter, Theme


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"主题{n}")
    lead_department = factory.SubFactory(DepartmentFactory)


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matter
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"matter-{n}")
    name = factory.Sequence(lambda n: f"检查事项{n}")
    department = factory.SubFactory(DepartmentFactory)
    standard = "按照有关规定执行。"
    legal_basis = "《中华人民共和国行政处罚法》"
