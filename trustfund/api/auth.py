"""Sign-in, API tokens, users and memberships, the audit log (the browser sign-in page is
``web.login``; it signs in with ``sign_in_request`` and ``session_cookie``)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy.orm import Session

from trustfund.api.access import (
    admin_only,
    current_principal,
    estate_route,
    note_audit,
    public,
    signed_in,
)
from trustfund.auth import tokens, users
from trustfund.auth.audit import list_audit
from trustfund.auth.principal import Action, Principal
from trustfund.auth.schemas import (
    AuditEntryOut,
    LoginRequest,
    MembershipCreate,
    MembershipOut,
    SignedInOut,
    TokenCreate,
    TokenCreated,
    TokenOut,
    UserCreate,
    UserOut,
    UserUpdate,
)
from trustfund.auth.sessions import COOKIE_NAME, SignIn, sign_in, sign_out
from trustfund.db.models.estates import Estate
from trustfund.errors import NotAuthenticatedError
from trustfund.messages import Message
from trustfund.settings import Settings

#: Sign-in needs no CSRF token (there is no session yet); it is rate limited instead, and a
#: browser may only post it from our own pages (login CSRF, ``middleware.same_origin``).
LOGIN_OPT = {**public(), "csrf_exempt": True, "same_origin_only": True}


def _principal(request: Request[Any, Any, Any]) -> Principal:
    principal = current_principal(request)
    if principal is None:  # the guard refuses anonymous callers before this runs
        raise NotAuthenticatedError(Message("auth.sign_in_first"))
    return principal


def _client_addr(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else ""


def sign_in_request(
    request: Request[Any, Any, Any], db_session: Session, settings: Settings, data: LoginRequest
) -> SignIn:
    note_audit(request, attempted_username=data.username)
    result = sign_in(
        db_session,
        settings,
        data.username,
        data.password,
        client_addr=_client_addr(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    note_audit(request, user_id=result.answer.user.id, username=result.answer.user.username)
    return result


def session_cookie(settings: Settings, token: str) -> Cookie:
    return Cookie(
        key=COOKIE_NAME,
        value=token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.session_hours * 3600,
    )


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/login", opt=LOGIN_OPT, sync_to_thread=True, status_code=200, summary="Sign in")
    def login(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        data: JSONBody[LoginRequest],
    ) -> Response[SignedInOut]:
        """Sets the ``tf_session`` cookie. Send the returned ``csrf_token`` as
        ``X-CSRF-Token`` on every write made with the cookie. 401 on a wrong name or
        password; 429 after too many failures (with ``Retry-After``); 403 when a browser
        posts it from another site (``Origin`` or ``Sec-Fetch-Site``)."""
        result = sign_in_request(request, db_session, settings, data)
        return Response(result.answer, cookies=[session_cookie(settings, result.token)])

    @post(
        "/logout",
        opt={**signed_in(), "same_origin_only": True},
        sync_to_thread=True,
        status_code=204,
        summary="Sign out",
    )
    def logout(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[Session]
    ) -> Response[None]:
        sign_out(db_session, request.cookies.get(COOKIE_NAME))
        response = Response(None, status_code=204)
        response.delete_cookie(COOKIE_NAME, path="/")
        return response

    @get("/me", opt=signed_in(), sync_to_thread=True, summary="The signed-in user")
    def me(self, request: Request[Any, Any, Any], db_session: NamedDependency[Session]) -> UserOut:
        return users.show_user(db_session, _principal(request).user_id)

    @post("/tokens", opt=signed_in(), sync_to_thread=True, summary="Issue an API token")
    def create_token(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        data: JSONBody[TokenCreate],
    ) -> TokenCreated:
        """The answer holds the token itself; it is never shown again."""
        return tokens.create_token(db_session, _principal(request).user_id, data.name)

    @get("/tokens", opt=signed_in(), sync_to_thread=True, summary="Your API tokens")
    def list_tokens(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[Session]
    ) -> list[TokenOut]:
        return tokens.list_tokens(db_session, _principal(request).user_id)

    @delete(
        "/tokens/{token_id:int}", opt=signed_in(), sync_to_thread=True, summary="Revoke a token"
    )
    def revoke_token(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        token_id: FromPath[int],
    ) -> None:
        tokens.revoke_token(db_session, _principal(request).user_id, token_id)


class UsersController(Controller):
    """User management: installation administrators only."""

    path = "/api/v1/users"
    tags = ["users"]
    opt = admin_only()

    @post("/", sync_to_thread=True, summary="Create a user")
    def create_user(
        self, db_session: NamedDependency[Session], data: JSONBody[UserCreate]
    ) -> UserOut:
        return users.register_user(db_session, data)

    @get("/", sync_to_thread=True, summary="All users")
    def list_users(self, db_session: NamedDependency[Session]) -> list[UserOut]:
        return users.list_users(db_session)

    @get("/{user_id:int}", sync_to_thread=True, summary="One user")
    def show_user(self, db_session: NamedDependency[Session], user_id: FromPath[int]) -> UserOut:
        return users.show_user(db_session, user_id)

    @patch("/{user_id:int}", sync_to_thread=True, summary="Change or deactivate a user")
    def update_user(
        self,
        db_session: NamedDependency[Session],
        user_id: FromPath[int],
        data: JSONBody[UserUpdate],
    ) -> UserOut:
        return users.update_user(db_session, user_id, data)

    @post("/{user_id:int}/memberships", sync_to_thread=True, summary="Grant a role")
    def add_membership(
        self,
        db_session: NamedDependency[Session],
        user_id: FromPath[int],
        data: JSONBody[MembershipCreate],
    ) -> MembershipOut:
        return users.add_membership(db_session, user_id, data)

    @delete(
        "/{user_id:int}/memberships/{membership_id:int}",
        sync_to_thread=True,
        summary="Take a role away",
    )
    def remove_membership(
        self,
        db_session: NamedDependency[Session],
        user_id: FromPath[int],
        membership_id: FromPath[int],
    ) -> None:
        users.remove_membership(db_session, user_id, membership_id)


Limit = Annotated[int, QueryParameter(ge=1, le=500, description="How many records (at most 500)")]
Before = Annotated[int | None, QueryParameter(ge=1, description="Only records with a smaller id")]


class AuditController(Controller):
    tags = ["audit"]

    @get("/api/v1/audit", opt=admin_only(), sync_to_thread=True, summary="The audit log")
    def all_records(
        self, db_session: NamedDependency[Session], limit: Limit = 100, before: Before = None
    ) -> list[AuditEntryOut]:
        """Newest first; pass the last id seen as ``before`` for the next page."""
        records = list_audit(db_session, before_id=before, limit=limit)
        return [AuditEntryOut.model_validate(r) for r in records]

    @estate_route(
        get,
        "/api/v1/estates/{estate_slug:str}/audit",
        Action.AUDIT,
        summary="One estate's audit log (committee, council, supervisor)",
    )
    def estate_records(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        limit: Limit = 100,
        before: Before = None,
    ) -> list[AuditEntryOut]:
        records = list_audit(db_session, estate_id=estate.id, before_id=before, limit=limit)
        return [AuditEntryOut.model_validate(r) for r in records]


CONTROLLERS: list[Any] = [AuthController, UsersController, AuditController]
