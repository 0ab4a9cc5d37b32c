"""Vouchers (凭证): invoices, receipts and photos backing a claim or a work order.

Files are content-addressed: stored once under ``<var_dir>/vouchers/<aa>/<sha256>``, written
through a temporary file and linked into place, never overwritten (the same bytes uploaded
twice share one file); the hash is recorded and checked again whenever the file is read.
Accepted: JPEG, PNG and PDF, recognised by their content, not by the name or the declared
type: the first bytes (magic numbers) say which, and then an image must decode as that image
(at most ``MAX_PIXELS`` pixels: larger ones and decompression bombs are refused) and a PDF
must parse as a PDF with at least one page (``pdfinfo`` from poppler-utils, in its own
process with a time limit); at most ``MAX_BYTES``.

Privacy decision: every voucher is marked *contains personal data* when uploaded. The public
sees only its number, hash, type and size, and for its file a placeholder image — until a
staff member with the approve action marks it public. Then an image is served as a
thumbnail (at most ``THUMB`` px, no EXIF or other metadata: location, camera, time never
leak) and a PDF as it is. Staff always download the original.

Thumbnails are rendered once, when the image is uploaded, and stored next to the originals
under ``<var_dir>/vouchers/thumbs/<aa>/<sha256>.png`` (keyed by the original's hash): an
anonymous request for a public voucher reads that small file and never decodes the
original. Public files carry an ETag (a conditional request costs no file read) and
``Cache-Control: no-cache``, so a cache asks again and a voucher made private again stops
being served at once.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.settlements import Voucher
from trustfund.errors import ConflictError, NotFoundError, ValidationError
from trustfund.messages import Message
from trustfund.settlements.schemas import VoucherOut

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

MAX_BYTES = 10 * 2**20
#: Images with more pixels are refused at upload: a 48-megapixel phone photo (8000×6000)
#: passes, a 9000×9000 PNG does not. Decoding costs memory and time in proportion to the
#: pixels (a 14000×14000 PNG is 590 MB of RGB), so this bounds what one upload can cost.
MAX_PIXELS = 50_000_000
THUMB = 800
#: Bumped when thumbnails are rendered differently (part of their ETag).
THUMB_VERSION = 1
IMAGE_TYPES = ("image/jpeg", "image/png")
#: How long ``pdfinfo`` may take to read an uploaded PDF.
PDF_CHECK_SECONDS = 10
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
_PAGES = re.compile(rb"^Pages:\s+[1-9]", re.MULTILINE)

log = structlog.get_logger("trustfund.vouchers")


def sniff(data: bytes) -> str | None:
    """The content type from the magic bytes, or None if not JPEG, PNG or PDF."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _path(var_dir: Path, digest: str) -> Path:
    return var_dir / "vouchers" / digest[:2] / digest


def _thumb_path(var_dir: Path, digest: str) -> Path:
    return var_dir / "vouchers" / "thumbs" / digest[:2] / f"{digest}.png"


def _write_once(target: Path, data: bytes) -> None:
    """Write ``data`` at ``target`` unless a file is there: through a temporary file, synced
    and linked into place, so a reader never sees half a file and nothing is overwritten."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # never overwrite
            os.link(tmp, target)
    finally:
        os.unlink(tmp)


def store(var_dir: Path, data: bytes) -> str:
    """Write ``data`` under its sha256 unless that file exists; returns the hash."""
    digest = hashlib.sha256(data).hexdigest()
    _write_once(_path(var_dir, digest), data)
    return digest


def _refuse(reason: Message) -> ValidationError:
    return ValidationError.field("file", reason)


def _open_image(data: bytes, content_type: str) -> PILImage:
    """The image, opened (header read, pixels not yet decoded) as the format its first
    bytes named. Raises ValidationError (field ``file``): more than ``MAX_PIXELS`` pixels,
    a decompression bomb by Pillow's own measure (its warning is treated as a refusal, its
    error too), or no image of that format."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[content_type]])
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _refuse(Message("vouchers.pixel_bomb", max_pixels=MAX_PIXELS)) from None
        except (OSError, ValueError, SyntaxError):
            raise _refuse(Message("vouchers.image_unreadable")) from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise _refuse(
            Message(
                "vouchers.too_many_pixels",
                width=width,
                height=height,
                value=width * height,
                max_pixels=MAX_PIXELS,
            )
        )
    return image


_STRICT_DECODING = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Decode with Pillow refusing truncated images. WeasyPrint sets Pillow's process-wide
    ``LOAD_TRUNCATED_IMAGES`` when it is imported (the app imports it), which makes a truncated
    upload decode silently as a padded picture; the flag is held off while we decode."""
    from PIL import ImageFile

    with _STRICT_DECODING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def render_thumbnail(data: bytes, content_type: str) -> bytes:
    """The image re-encoded as PNG, at most THUMB px on its longer side, without EXIF or any
    other metadata (only pixels are copied). Decoding it in full is also the check that the
    image is whole. Raises ValidationError (field ``file``) for an image refused by
    ``_open_image`` or one that does not decode (truncated, damaged)."""
    from PIL import Image, ImageOps

    with _open_image(data, content_type) as source, _strict_decoding():
        try:
            source.draft("RGB", (THUMB, THUMB))  # JPEG: decode at 1/2 … 1/8 scale
            image = ImageOps.exif_transpose(source).convert("RGB")
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise _refuse(Message("vouchers.image_damaged")) from None
    image.thumbnail((THUMB, THUMB))
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="PNG")
    return out.getvalue()


def _check_pdf(data: bytes) -> None:
    """A PDF must parse as one with at least one page. Raises ValidationError (``file``)."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        log.error("pdfinfo (poppler-utils) is not installed: PDF vouchers are refused")
        raise _refuse(Message("vouchers.pdf_unchecked"))
    with tempfile.NamedTemporaryFile(prefix="voucher-", suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        try:
            result = subprocess.run(  # noqa: S603 (a fixed program on our own temporary file)
                [pdfinfo, handle.name],
                capture_output=True,
                timeout=PDF_CHECK_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise _refuse(Message("vouchers.pdf_unreadable")) from None
    if result.returncode != 0 or not _PAGES.search(result.stdout):
        raise _refuse(Message("vouchers.pdf_unreadable"))


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    #: The public thumbnail of an image (rendered while checking it); None for a PDF.
    thumbnail: bytes | None


def check_upload(data: bytes, *, images_only: bool = False) -> CheckedUpload:
    """An acceptable upload: its content type, and for an image its thumbnail. Raises
    ValidationError (field ``file``): empty, too large, not JPEG/PNG/PDF by its first bytes,
    an image that does not decode or has too many pixels, a PDF that does not parse."""
    if not data:
        raise _refuse(Message("input.file_empty"))
    if len(data) > MAX_BYTES:
        raise _refuse(Message("vouchers.too_large", value=MAX_BYTES // 2**20))
    kind = sniff(data)
    allowed = IMAGE_TYPES if images_only else (*IMAGE_TYPES, "application/pdf")
    if kind is None or kind not in allowed:
        raise _refuse(
            Message("vouchers.not_an_image")
            if images_only
            else Message("vouchers.not_an_image_or_pdf")
        )
    if kind in IMAGE_TYPES:
        return CheckedUpload(kind, render_thumbnail(data, kind))
    _check_pdf(data)
    return CheckedUpload(kind, None)


def add_voucher(
    session: Session,
    var_dir: Path,
    estate_id: int,
    data: bytes,
    filename: str,
    *,
    claim_id: int | None = None,
    work_order_id: int | None = None,
    images_only: bool = False,
    actor_user_id: int | None = None,
) -> Voucher:
    """Store the file (and an image's thumbnail) and record it. Flushes. Raises
    ValidationError (see ``check_upload``)."""
    checked = check_upload(data, images_only=images_only)
    digest = store(var_dir, data)
    if checked.thumbnail is not None:
        _write_once(_thumb_path(var_dir, digest), checked.thumbnail)
    voucher = Voucher(
        estate_id=estate_id,
        number="",
        sha256=digest,
        content_type=checked.content_type,
        size=len(data),
        filename=os.path.basename(filename or "")[:200],
        claim_id=claim_id,
        work_order_id=work_order_id,
        contains_personal_data=True,
        uploaded_by=actor_user_id,
    )
    session.add(voucher)
    session.flush()
    voucher.number = f"PZ-{voucher.id:06d}"
    session.flush()
    return voucher


def get_voucher(session: Session, estate_id: int, voucher_id: int) -> Voucher:
    voucher = session.get(Voucher, voucher_id)
    if voucher is None or voucher.estate_id != estate_id:
        raise NotFoundError(Message("vouchers.no_voucher", voucher_id=voucher_id))
    return voucher


def list_vouchers(
    session: Session, estate_id: int, *, public: bool | None = None, limit: int | None = None
) -> list[Voucher]:
    """The estate's vouchers, the newest first: all, or only those marked public
    (``public=True``) or still withheld as containing personal data (``public=False``)."""
    stmt = select(Voucher).where(Voucher.estate_id == estate_id)
    if public is not None:
        stmt = stmt.where(Voucher.contains_personal_data.is_(not public))
    return list(session.scalars(stmt.order_by(Voucher.id.desc()).limit(limit)))


def read_original(var_dir: Path, voucher: Voucher) -> bytes:
    """The stored bytes, checked against the recorded hash. Raises NotFoundError (file
    missing), ConflictError (the file no longer matches its hash: tampering or damage)."""
    path = _path(var_dir, voucher.sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(Message("vouchers.file_missing", number=voucher.number)) from None
    if hashlib.sha256(data).hexdigest() != voucher.sha256:
        raise ConflictError(Message("vouchers.hash_mismatch", number=voucher.number))
    return data


def set_public(session: Session, estate_id: int, voucher_id: int, public: bool) -> Voucher:
    """Mark a voucher free of personal data (public) or not. Flushes."""
    voucher = get_voucher(session, estate_id, voucher_id)
    voucher.contains_personal_data = not public
    session.flush()
    return voucher


def voucher_view(voucher: Voucher, *, staff: bool) -> VoucherOut:
    view: VoucherOut = {
        "id": voucher.id,
        "number": voucher.number,
        "sha256": voucher.sha256,
        "content_type": voucher.content_type,
        "size": voucher.size,
        "contains_personal_data": voucher.contains_personal_data,
    }
    if staff:
        view["filename"] = voucher.filename
        view["claim_id"] = voucher.claim_id
        view["work_order_id"] = voucher.work_order_id
        view["uploaded_at"] = voucher.uploaded_at.isoformat()
    return view


@functools.lru_cache(maxsize=256)
def placeholder_png(label: str) -> bytes:
    """A grey 320×200 PNG standing in for a voucher the public may not see (drawn once per
    label)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (225, 225, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 311, 191), outline=(160, 160, 160), width=2)
    draw.text((24, 80), "personal data withheld", fill=(90, 90, 90))
    draw.text((24, 104), label[:40], fill=(90, 90, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def public_etag(voucher: Voucher) -> str:
    """The ETag of what the public gets for this voucher: it changes with the file, with the
    public mark and with the thumbnail rendering, and is known without reading any file."""
    if voucher.contains_personal_data:
        return f'"{voucher.sha256[:32]}-withheld"'
    if voucher.content_type in IMAGE_TYPES:
        return f'"{voucher.sha256[:32]}-thumb{THUMB_VERSION}"'
    return f'"{voucher.sha256[:32]}-file"'


def _stored_thumbnail(var_dir: Path, voucher: Voucher) -> bytes:
    """The stored thumbnail; rendered and stored now for an image uploaded before thumbnails
    were stored (once: the next request reads the file). An old upload that would be refused
    today (too many pixels, does not decode) is never decoded: the public gets the
    placeholder."""
    path = _thumb_path(var_dir, voucher.sha256)
    with contextlib.suppress(FileNotFoundError):
        return path.read_bytes()
    original = read_original(var_dir, voucher)
    try:
        thumb = render_thumbnail(original, voucher.content_type)
    except ValidationError:
        return placeholder_png(voucher.number)
    _write_once(path, thumb)
    return thumb


def staff_thumbnail(var_dir: Path, voucher: Voucher) -> bytes:
    """The image's thumbnail (PNG, at most ``THUMB`` px, no metadata) for staff pages, public
    or not: a phone shows a small file instead of the camera's original. Raises
    NotFoundError (not an image, or the original is missing), ConflictError (the original no
    longer matches its hash, when the thumbnail has to be rendered from it)."""
    if voucher.content_type not in IMAGE_TYPES:
        raise NotFoundError(Message("vouchers.no_thumbnail", voucher_id=voucher.id))
    return _stored_thumbnail(var_dir, voucher)


def public_file(var_dir: Path, voucher: Voucher) -> tuple[bytes, str]:
    """What the public may download: ``(bytes, content type)``. Never decodes an image."""
    if voucher.contains_personal_data:
        return placeholder_png(voucher.number), "image/png"
    if voucher.content_type in IMAGE_TYPES:
        return _stored_thumbnail(var_dir, voucher), "image/png"
    return read_original(var_dir, voucher), voucher.content_type
