"""Pure parts of settlements: line amounts, the reference comparison, voucher sniffing,
thumbnails without metadata, contract terms, price files."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from tests.factories import make_image, make_pdf, png_header
from trustfund.errors import ValidationError
from trustfund.settlements.contracts import one_year_after
from trustfund.settlements.lines import line_amount, price_line
from trustfund.settlements.prices import parse_price_rows
from trustfund.settlements.vouchers import MAX_PIXELS, check_upload, render_thumbnail, sniff
from trustfund.web.staff import zh

D = Decimal


def test_line_amount_rounds_half_up_to_the_fen() -> None:
    assert line_amount(D("2.5"), D("33.33")) == D("83.33")  # 83.325
    assert line_amount(D("0.5"), D("0.05")) == D("0.03")  # 0.025
    assert line_amount(D("5870"), D("0.538")) == D("3158.06")
    assert line_amount(D("3"), D("0.3333")) == D("1.00")  # 0.9999


def test_a_line_above_reference_shows_the_difference() -> None:
    priced = price_line(D("2"), D("320.00"), D("280.00"))
    assert (priced.amount, priced.over_reference) == (D("640.00"), D("80.00"))
    assert price_line(D("2"), D("280.00"), D("280.00")).over_reference is None
    assert price_line(D("2"), D("200.00"), D("280.00")).over_reference is None
    assert price_line(D("2"), D("999.00"), None).over_reference is None


@given(
    st.decimals(min_value=D("0.001"), max_value=D("10000"), places=3),
    st.decimals(min_value=D("0"), max_value=D("10000"), places=2),
    st.decimals(min_value=D("0"), max_value=D("10000"), places=2),
)
def test_over_reference_is_positive_exactly_when_the_price_is_above(
    qty: Decimal, price: Decimal, ref: Decimal
) -> None:
    priced = price_line(qty, price, ref)
    if price > ref:
        assert priced.over_reference is not None and priced.over_reference >= 0
        assert priced.over_reference == priced.amount - line_amount(qty, ref)
    else:
        assert priced.over_reference is None
    assert priced.amount == priced.amount.quantize(D("0.01"))


def test_vouchers_are_recognised_by_their_first_bytes() -> None:
    assert sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == "image/png"
    assert sniff(b"%PDF-1.7") == "application/pdf"
    assert sniff(b"GIF89a") is None
    assert sniff(b"<html>%PDF-") is None
    with pytest.raises(ValidationError):
        check_upload(b"%PDF-1.7", images_only=True)
    with pytest.raises(ValidationError):
        check_upload(b"")


@pytest.mark.parametrize(
    "width,height",
    [
        (9000, 9000),  # above our limit, below Pillow's (89 M): refused by our own check
        (10000, 9000),  # Pillow's DecompressionBombWarning: a refusal, not a warning
        (14000, 14000),  # Pillow's DecompressionBombError (the probe's 500)
    ],
)
def test_images_with_too_many_pixels_are_refused_before_decoding(width: int, height: int) -> None:
    with pytest.raises(ValidationError) as caught:
        check_upload(png_header(width, height))
    [error] = caught.value.errors
    assert error.field == "file"
    assert f"{MAX_PIXELS:,}" in error.reason
    assert "像素" in zh.reason(error)  # the staff page says it in Chinese


def test_an_upload_is_checked_by_its_content_not_its_first_bytes() -> None:
    html = b"%PDF-1.7\n<html><script>alert(document.cookie)</script></html>\n"
    truncated_jpeg = make_image()[:3000]
    truncated_png = make_image(kind="PNG")[:2000]
    for data in (html, truncated_jpeg, truncated_png, b"\x89PNG\r\n\x1a\n<html>"):
        with pytest.raises(ValidationError) as caught:
            check_upload(data)
        assert [e.field for e in caught.value.errors] == ["file"], data[:20]
        assert not re.search(
            "[A-Za-z]{3}",
            zh.reason(caught.value.errors[0])
            .replace("PDF", "")
            .replace("JPEG", "")
            .replace("PNG", ""),
        )
    pdf = check_upload(make_pdf())
    assert (pdf.content_type, pdf.thumbnail) == ("application/pdf", None)
    photo = check_upload(make_image(1600, 1200))
    assert photo.content_type == "image/jpeg" and photo.thumbnail is not None
    assert Image.open(io.BytesIO(photo.thumbnail)).size == (800, 600)


def test_thumbnails_carry_no_exif() -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {2: (30.0, 0.0, 0.0)}  # GPS
    raw = io.BytesIO()
    Image.new("RGB", (2000, 1000), (10, 20, 30)).save(raw, format="JPEG", exif=exif.tobytes())
    thumb = Image.open(io.BytesIO(render_thumbnail(raw.getvalue(), "image/jpeg")))
    assert thumb.size == (800, 400)
    assert len(thumb.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp"} & set(thumb.info)


def test_a_contract_runs_at_most_one_year() -> None:
    assert one_year_after(dt.date(2026, 1, 1)) == dt.date(2026, 12, 31)
    assert one_year_after(dt.date(2026, 7, 15)) == dt.date(2027, 7, 14)
    assert one_year_after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 27)


def test_price_files_name_every_bad_cell() -> None:
    data = "名称,单位,单价\n灯,个,1\n".encode()
    with pytest.raises(ValidationError) as caught:
        parse_price_rows(data)
    assert [e.field for e in caught.value.errors] == ["columns.code"]
    rows = parse_price_rows("code,name,unit,unit_price\nA-1,灯,个,0.538\n".encode())
    assert rows == [{"code": "A-1", "name": "灯", "unit": "个", "unit_price": D("0.5380")}]
