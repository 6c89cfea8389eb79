import datetime as dt

import factory

from accounts.models import Agency, Department, User


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"部门{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"测试执法部门{n}")
    department = factory.SubFactory(DepartmentFactory)
    level = Agency.Level.CITY
    division = "370600"


class JusticeBureauFactory(AgencyFactory):
    department = factory.SubFactory(DepartmentFactory, code="justice", name="司法局")
    is_justice_bureau = True
    name = "烟台市司法局"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OfficerFactory(UserFactory):
    role = User.Role.OFFICER
    agency = factory.SubFactory(AgencyFactory)
    certificate_number = factory.Sequence(lambda n: f"37060020{n:06d}")
    certificate_issuer = "山东省人民政府"
    certificate_valid_from = dt.date(2020, 1, 1)
    certificate_valid_until = dt.date(2030, 12, 31)


class JusticeUserFactory(UserFactory):
    role = User.Role.JUSTICE
    agency = factory.SubFactory(JusticeBureauFactory)


class AdminUserFactory(UserFactory):
    role = User.Role.ADMIN
    is_staff = True
    is_superuser = True


def api_key_for(user, device: str = "test") -> str:
    """A working API key for ``user`` (accounts.tokens), for ``Authorization: Token <key>``."""
    from accounts.tokens import api_token_issue

    return api_token_issue(user=user, device=device)[1]
