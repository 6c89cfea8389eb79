import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from plans.matching import joint_task_fix
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, City, freeze

VISIT_DAY = dt.date(2026, 6, 9)  # a Tuesday


@pytest.fixture
def city(db):
    return City()


@pytest.fixture
def visit(city):
    """A joint visit of the market regulator and the ecology bureau, fixed, on its visit day (time frozen)."""
    with freeze(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)):
        for officer in (city.market_officer, city.ecology_officer):
            plan = plan_file(
                actor=officer,
                enterprise=city.enterprise,
                matters=[city.matter_of(officer)],
                window_start=VISIT_DAY,
                window_end=VISIT_DAY,
            )
    with freeze(dt.datetime(2026, 6, 6, 1, 0, tzinfo=SHANGHAI)):  # its fixing day, 3 days before
        joint_task_fix(actor=None, task_id=plan.joint_task_id)
    task = plan.joint_task
    task.refresh_from_db()
    with freeze(dt.datetime(2026, 6, 9, 9, 30, tzinfo=SHANGHAI)):
        yield task


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A JPEG carrying EXIF GPS and camera data, as a phone would take it."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (37.0, 30.0, 0.0)
    gps[3] = "E"
    gps[4] = (121.0, 24.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)
