"""Vouchers (凭证): invoices, receipts and photos backing a claim or a work order.

Files are content-addressed: stored once under ``<var_dir>/vouchers/<aa>/<sha256>``, written
through a temporary file and linked into place, never overwritten (the same bytes uploaded
twice share one file); the hash is recorded and checked again whenever the file is read.
Accepted: JPEG, PNG and PDF, recognised by their first bytes (magic numbers), not by the name
or the declared type; at most ``MAX_BYTES``.

Privacy decision: every voucher is marked *contains personal data* when uploaded. The public
sees only its number, hash, type and size, and for its file a placeholder image — until a
staff member with the approve action marks it public. Then an image is served as a freshly
encoded thumbnail (at most ``THUMB`` px, no EXIF or other metadata: location, camera, time
never leak) and a PDF as it is. Staff always download the original.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from trustfund.db.models.settlements import Voucher
from trustfund.errors import ConflictError, NotFoundError, ValidationError

MAX_BYTES = 10 * 2**20
THUMB = 800
IMAGE_TYPES = ("image/jpeg", "image/png")


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


def store(var_dir: Path, data: bytes) -> str:
    """Write ``data`` under its sha256 unless that file exists; returns the hash."""
    digest = hashlib.sha256(data).hexdigest()
    target = _path(var_dir, digest)
    if target.exists():
        return digest
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
    return digest


def check_upload(data: bytes, *, images_only: bool = False) -> str:
    """The content type of an acceptable upload. Raises ValidationError (field ``file``)."""
    if not data:
        raise ValidationError.field("file", "the file is empty")
    if len(data) > MAX_BYTES:
        raise ValidationError.field("file", f"larger than {MAX_BYTES // 2**20} MB")
    kind = sniff(data)
    allowed = IMAGE_TYPES if images_only else (*IMAGE_TYPES, "application/pdf")
    if kind is None or kind not in allowed:
        names = "JPEG or PNG" if images_only else "JPEG, PNG or PDF"
        raise ValidationError.field("file", f"not a {names} file (checked by its content)")
    return kind


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
    """Store the file and record it. Flushes. Raises ValidationError."""
    content_type = check_upload(data, images_only=images_only)
    digest = store(var_dir, data)
    voucher = Voucher(
        estate_id=estate_id,
        number="",
        sha256=digest,
        content_type=content_type,
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
        raise NotFoundError(f"No voucher {voucher_id} in this estate.")
    return voucher


def read_original(var_dir: Path, voucher: Voucher) -> bytes:
    """The stored bytes, checked against the recorded hash. Raises NotFoundError (file
    missing), ConflictError (the file no longer matches its hash: tampering or damage)."""
    path = _path(var_dir, voucher.sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"The file of voucher {voucher.number} is missing.") from None
    if hashlib.sha256(data).hexdigest() != voucher.sha256:
        raise ConflictError(f"The file of voucher {voucher.number} does not match its hash.")
    return data


def set_public(session: Session, estate_id: int, voucher_id: int, public: bool) -> Voucher:
    """Mark a voucher free of personal data (public) or not. Flushes."""
    voucher = get_voucher(session, estate_id, voucher_id)
    voucher.contains_personal_data = not public
    session.flush()
    return voucher


def voucher_view(voucher: Voucher, *, staff: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": voucher.id,
        "number": voucher.number,
        "sha256": voucher.sha256,
        "content_type": voucher.content_type,
        "size": voucher.size,
        "contains_personal_data": voucher.contains_personal_data,
    }
    if staff:
        view |= {
            "filename": voucher.filename,
            "claim_id": voucher.claim_id,
            "work_order_id": voucher.work_order_id,
            "uploaded_at": voucher.uploaded_at.isoformat(),
        }
    return view


def placeholder_png(label: str) -> bytes:
    """A grey 320×200 PNG standing in for a voucher the public may not see."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (225, 225, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 311, 191), outline=(160, 160, 160), width=2)
    draw.text((24, 80), "personal data withheld", fill=(90, 90, 90))
    draw.text((24, 104), label[:40], fill=(90, 90, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def thumbnail(data: bytes) -> bytes:
    """The image re-encoded as PNG, at most THUMB px on its longer side, without EXIF or any
    other metadata (only pixels are copied)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as source:
        image = ImageOps.exif_transpose(source).convert("RGB")
    image.thumbnail((THUMB, THUMB))
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="PNG")
    return out.getvalue()


def public_file(var_dir: Path, voucher: Voucher) -> tuple[bytes, str]:
    """What the public may download: ``(bytes, content type)``."""
    if voucher.contains_personal_data:
        return placeholder_png(voucher.number), "image/png"
    data = read_original(var_dir, voucher)
    if voucher.content_type in IMAGE_TYPES:
        return thumbnail(data), "image/png"
    return data, voucher.content_type
