"""Multipart uploads: the one file of a form.

Litestar's ``MultipartBody[UploadFile]`` answers a form that holds no file with a 500 (its
extractor lets a ``StopIteration`` escape), so upload handlers take the form as a dict and
ask for its file here.
"""

from __future__ import annotations

from typing import Any

from litestar.datastructures import UploadFile

from trustfund.errors import ValidationError
from trustfund.messages import Message

MultipartForm = dict[str, Any]
"""What an upload handler takes: ``data: MultipartBody[MultipartForm]``."""


def form_file(form: MultipartForm | None) -> tuple[bytes, str]:
    """The first file of a multipart form (under any field name, usually ``file``), as
    ``(content, filename)``.

    Raises ValidationError naming ``file`` when the form holds no file.
    """
    for value in (form or {}).values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, UploadFile):
                return item.file.read(), item.filename or ""
    raise ValidationError.field("file", Message("input.file_required"))


def spreadsheet_form(sample: str, *more: str) -> str:
    """How an import route's OpenAPI description starts: the form, the file types, the
    header row, ``more`` facts, and the sample files ``docs/samples/<sample>.csv``/``.xlsx``."""
    facts = "; ".join(("header in row 1", *more))
    return (
        "Multipart form with one `file` field: CSV (UTF-8 or GB18030) or XLSX (first sheet), "
        f"{facts}; samples: `docs/samples/{sample}.csv` and `.xlsx`."
    )
