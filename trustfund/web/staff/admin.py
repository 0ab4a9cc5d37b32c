"""Administrators' pages: estates, users, memberships, and household imports whose row
errors are shown in a table (nothing is imported while any row is bad)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session

from trustfund.api.access import admin_only, estate_action, estate_route
from trustfund.auth import users
from trustfund.auth.principal import Action, Role
from trustfund.auth.schemas import MembershipCreate, UserCreate
from trustfund.db.models.estates import Estate
from trustfund.errors import FieldError
from trustfund.estates import importer, schemas, service
from trustfund.estates.changes import Actor
from trustfund.messages import Message
from trustfund.settings import Settings
from trustfund.web.staff import zh
from trustfund.web.staff.common import page, principal_of
from trustfund.web.staff.forms import StaffForm, sheet_row
from trustfund.web.staff.households import CHANGE_FIELD_NAMES

ESTATE_FIELDS = {"slug", "name", "address", "community", "street_office"}
USER_FIELDS = {"username", "display_name", "password"}
MEMBERSHIP_FIELDS = {"role", "estate", "community"}
GRANTABLE = [r for r in Role if r is not Role.ADMIN]


class EstateForm(BaseModel):
    slug: str = Field(default="", max_length=40)
    name: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=200)
    community: str = Field(default="", max_length=100)
    street_office: str = Field(default="", max_length=100)


class UserForm(BaseModel):
    username: str = Field(default="", max_length=64)
    display_name: str = Field(default="", max_length=100)
    password: str = Field(default="", max_length=1024)
    is_admin: str = Field(default="", max_length=5)


class MembershipForm(BaseModel):
    role: str = Field(default="", max_length=20)
    estate: str = Field(default="", max_length=40)
    community: str = Field(default="", max_length=100)


@dataclass
class ImportForm:
    file: UploadFile | None = None
    #: "update": rows of existing households may change them (preview first)
    mode: str = ""
    #: applying a preview: its token, and the previewed file carried back in the form
    confirm: str = ""
    payload: str = ""
    filename: str = ""


class AdminPagesController(Controller):
    include_in_schema = False
    path = "/admin"
    opt = admin_only()

    # --- estates ----------------------------------------------------------------------------

    @get("/estates", sync_to_thread=True)
    def estates_page(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[Session]
    ) -> Template:
        return self._estates(request, db_session, EstateForm())

    def _estates(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        form: EstateForm,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        return page(
            request,
            "staff/admin_estates.html",
            status=status,
            estates=service.list_estates(session),
            form=form,
            errors=errors or {},
        )

    @post(
        "/estates",
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
        opt={"audit_action": "web.create_estate"},
    )
    def create_estate(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        data: URLEncodedBody[EstateForm],
    ) -> Response[Any]:
        return StaffForm(ESTATE_FIELDS).handle(
            db_session,
            lambda: service.create_estate(
                db_session,
                schemas.EstateCreate(**data.model_dump()),
                default_timezone=settings.timezone,
            ),
            done="/admin/estates",
            again=lambda f: self._estates(request, db_session, data, f.errors, status=f.status),
        )

    # --- users ------------------------------------------------------------------------------

    @get("/users", sync_to_thread=True)
    def users_page(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[Session]
    ) -> Template:
        return self._users(request, db_session, UserForm())

    def _users(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        form: UserForm,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        return page(
            request,
            "staff/admin_users.html",
            status=status,
            users=users.list_users(session),
            form=form,
            errors=errors or {},
        )

    @post(
        "/users",
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
        opt={"audit_action": "web.create_user"},
    )
    def create_user(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        data: URLEncodedBody[UserForm],
    ) -> Response[Any]:
        shown = data.model_copy(update={"password": ""})  # never sent back to the browser
        return StaffForm(USER_FIELDS).handle(
            db_session,
            lambda: users.register_user(
                db_session,
                UserCreate(
                    username=data.username,
                    display_name=data.display_name,
                    password=data.password,
                    is_admin=data.is_admin == "on",
                ),
            ),
            done=lambda created: f"/admin/users/{created.id}",
            again=lambda f: self._users(request, db_session, shown, f.errors, status=f.status),
        )

    @get("/users/{user_id:int}", sync_to_thread=True)
    def user_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        user_id: FromPath[int],
    ) -> Template:
        return self._user(request, db_session, user_id, MembershipForm())

    def _user(
        self,
        request: Request[Any, Any, Any],
        session: Session,
        user_id: int,
        form: MembershipForm,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        return page(
            request,
            "staff/admin_user.html",
            status=status,
            user=users.show_user(session, user_id),
            warnings=[zh.say(w) for w in users.dual_role_warnings(session, user_id)],
            estates=service.list_estates(session),
            roles=GRANTABLE,
            form=form,
            errors=errors or {},
        )

    @post(
        "/users/{user_id:int}/memberships",
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
        opt={"audit_action": "web.add_membership"},
    )
    def add_membership(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        user_id: FromPath[int],
        data: URLEncodedBody[MembershipForm],
    ) -> Response[Any]:
        users.get_user(db_session, user_id)  # 404 before anything else
        form = StaffForm(MEMBERSHIP_FIELDS)
        try:
            body = MembershipCreate(
                role=data.role,  # type: ignore[arg-type]  # pydantic checks it
                estate=data.estate.strip() or None,
                community=data.community.strip() or None,
            )
        except PydanticError:
            form.refuse("role", Message("web.choose_role"))
        return form.handle(
            db_session,
            lambda: users.add_membership(db_session, user_id, body),
            done=f"/admin/users/{user_id}",
            again=lambda f: self._user(
                request, db_session, user_id, data, f.errors, status=f.status
            ),
        )

    @post(
        "/users/{user_id:int}/memberships/{membership_id:int}/remove",
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
        opt={"audit_action": "web.remove_membership"},
    )
    def remove_membership(
        self,
        db_session: NamedDependency[Session],
        user_id: FromPath[int],
        membership_id: FromPath[int],
    ) -> Redirect:
        users.remove_membership(db_session, user_id, membership_id)
        return Redirect(f"/admin/users/{user_id}", status_code=HTTP_303_SEE_OTHER)


class ImportPagesController(Controller):
    """The household register import. Needs ``Action.RECORD`` — the steward of the estate
    (or an administrator), as the API route and ``trustfund households import --by`` do:
    the steward keeps the register."""

    include_in_schema = False
    path = "/staff/{estate_slug:str}/import"

    @get("/", opt=estate_action(Action.RECORD), sync_to_thread=False)
    def import_page(
        self, request: Request[Any, Any, Any], estate: NamedDependency[Estate]
    ) -> Template:
        return page(request, "staff/import.html", estate=estate, result=None, rows=[], error=None)

    @estate_route(post, "/", Action.RECORD, audit_action="web.import_households", status_code=200)
    def import_file(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        data: MultipartBody[ImportForm],
    ) -> Template:
        """All rows or none: a bad file answers 422 with a table of row, column and reason.
        In update mode the first answer is a preview of every change; its confirm form
        carries the same file back (base64) with the preview's token, and the service applies
        it only if the token still matches (409 otherwise)."""
        update = data.mode == "update"
        upload = data.file
        filename = data.filename
        content: bytes | None = None
        if data.confirm and data.payload:
            try:
                content = base64.b64decode(data.payload, validate=True)
            except ValueError:
                content = None
        elif upload is not None and upload.filename:
            content, filename = upload.file.read(), upload.filename
        form = StaffForm({"file"})
        if content is None:
            form.refuse("_form", Message("web.import_choose_file"))
        actor = Actor(principal_of(request).user_id, "page")
        result = form.submit(
            db_session,
            lambda: importer.import_households(
                db_session,
                estate,
                content,  # type: ignore[arg-type]  # refused when None
                filename,
                update=update,
                confirm=data.confirm or None,
                actor=actor,
            ),
        )
        if result is None or content is None:
            return _import_refused(request, estate, form, filename)
        return page(
            request,
            "staff/import.html",
            estate=estate,
            result=result,
            rows=[],
            error=None,
            filename=filename,
            payload=base64.b64encode(content).decode() if not result.applied else "",
            field_names=CHANGE_FIELD_NAMES,
        )


def _import_refused(
    request: Request[Any, Any, Any], estate: Estate, form: StaffForm, filename: str
) -> Template:
    """The import page again: no file chosen, or the file refused with a table of row,
    column and reason (nothing imported)."""
    if form.error is None:
        return page(
            request,
            "staff/import.html",
            status=422,
            estate=estate,
            result=None,
            rows=[],
            error=form.errors["_form"],
        )
    rows = [_row_error(e) for e in form.error.errors]
    rows.sort(key=lambda r: (r["row"] or 0, r["column"]))
    bad_rows = len({r["row"] for r in rows if r["row"] is not None})
    if form.status == 409:
        message = Message("web.import_changed")
    elif bad_rows:
        message = Message("web.import_rows_refused", value=bad_rows)
    else:
        message = Message("web.import_refused")
    return page(
        request,
        "staff/import.html",
        status=form.status,
        estate=estate,
        result=None,
        rows=rows,
        error=zh.say(message),
        filename=filename,
    )


def _row_error(error: FieldError) -> dict[str, Any]:
    """``rows[618].occupancy`` → row 618, column 状态, the reason in Chinese."""
    return {
        "row": sheet_row(error.field),
        "column": zh.label(error.field),
        "reason": zh.reason(error),
    }


CONTROLLERS: list[Any] = [AdminPagesController, ImportPagesController]
