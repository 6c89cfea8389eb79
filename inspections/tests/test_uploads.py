"""inspections.uploads: a photo is judged by its header before it is decoded, and decoding is bounded."""

import io
import struct
import tracemalloc
import zlib

import pytest
from PIL import Image, ImageFile

from inspections import uploads
from yantai_inspect.errors import DomainError

from .conftest import jpeg_with_gps, upload

pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width=8900, height=8900) -> bytes:
    """A valid RGB PNG of ``width`` × ``height`` black pixels, written row by row so that making it never holds
    the pixels in memory: ~79 megapixels (~240 MB decoded) in a few hundred KB."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * width)  # filter byte "none", then the row's pixels
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def bomb():
    return png_bomb()


def test_the_crafted_png_is_small_and_really_eighty_megapixels(bomb):
    assert 100_000 < len(bomb) < 1_000_000
    with Image.open(io.BytesIO(bomb)) as probe:
        assert probe.size == (8900, 8900) and probe.format == "PNG"


def test_an_80_megapixel_png_is_refused_from_its_header_without_decoding(bomb, monkeypatch):
    def no_decoding(self, *args, **kwargs):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    monkeypatch.setattr(Image.Image, "verify", no_decoding, raising=False)
    tracemalloc.start()
    try:
        with pytest.raises(DomainError) as refused:
            uploads.decode_and_reencode(upload(bomb, name="bomb.png", content_type="image/png"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.field == "photo"
    assert "megapixels" in refused.value.message
    assert peak < 10 * len(bomb)  # the file's bytes and a few copies; nothing near the 240 MB of pixels


def test_the_limit_is_the_setting(settings):
    settings.UPLOAD_MAX_PIXELS = 64 * 48 - 1
    with pytest.raises(DomainError):
        uploads.decode_and_reencode(upload(jpeg_with_gps((64, 48))))
    settings.UPLOAD_MAX_PIXELS = 64 * 48
    assert uploads.decode_and_reencode(upload(jpeg_with_gps((64, 48))))[3:] == (64, 48)


def test_decoding_waits_for_a_free_slot_and_is_refused_when_none_frees(settings):
    settings.UPLOAD_DECODE_WAIT_SECONDS = 0
    taken = 0
    while uploads._DECODE_SLOTS.acquire(blocking=False):  # every slot busy decoding someone else's photo
        taken += 1
    try:
        assert taken == settings.UPLOAD_DECODE_CONCURRENCY
        with pytest.raises(DomainError) as refused:
            uploads.decode_and_reencode(upload(jpeg_with_gps()))
        assert "busy" in refused.value.message
    finally:
        for _ in range(taken):
            uploads._DECODE_SLOTS.release()
    assert uploads.decode_and_reencode(upload(jpeg_with_gps()))[1] == "image/jpeg"  # and the slots came back
