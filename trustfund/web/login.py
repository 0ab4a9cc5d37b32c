"""The browser sign-in page (``/login``) and sign-out (``/logout``): the same sign-in as
``POST /api/v1/auth/login`` (rate limited, audited), answered with a page and a redirect."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustfund.api.access import public
from trustfund.api.auth import LOGIN_OPT, session_cookie, sign_in_request
from trustfund.auth.schemas import LoginRequest
from trustfund.auth.sessions import COOKIE_NAME, sign_out
from trustfund.errors import NotAuthenticatedError, RateLimitedError
from trustfund.settings import Settings


class LoginForm(BaseModel):
    username: str = Field(default="", max_length=64)
    password: str = Field(default="", max_length=1024)
    next: str = Field(default="/", max_length=500)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a signed-in user to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(
    next_url: str, *, error: str | None = None, username: str = "", status: int = 200
) -> Template:
    return Template(
        "auth/login.html",
        context={
            "next": _safe_next(next_url),
            "error": error,
            "username": username,
            "principal": None,
            "csrf_token": None,
        },
        status_code=status,
    )


class LoginPagesController(Controller):
    include_in_schema = False

    @get("/login", opt=public(), sync_to_thread=False)
    def login_page(
        self, next_url: Annotated[str | None, QueryParameter(name="next")] = None
    ) -> Template:
        return _login_page(next_url or "/staff")

    @post("/login", opt=LOGIN_OPT, sync_to_thread=True, status_code=HTTP_303_SEE_OTHER)
    def login_form(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        data: URLEncodedBody[LoginForm],
    ) -> Response[Any]:
        credentials = LoginRequest.model_construct(username=data.username, password=data.password)
        try:
            result = sign_in_request(request, db_session, settings, credentials)
        except RateLimitedError as error:
            seconds = error.extra.get("retry_after", settings.login_window)
            message = f"登录失败次数过多，请 {seconds} 秒后再试。"
            return _login_page(data.next, error=message, username=data.username, status=429)
        except NotAuthenticatedError:
            message = "用户名或密码不正确。"
            return _login_page(data.next, error=message, username=data.username, status=401)
        return Redirect(
            _safe_next(data.next),
            status_code=HTTP_303_SEE_OTHER,
            cookies=[session_cookie(settings, result.token)],
        )

    @post(
        "/logout",
        opt={**public(), "same_origin_only": True},
        sync_to_thread=True,
        status_code=HTTP_303_SEE_OTHER,
    )
    def logout_form(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[Session]
    ) -> Redirect:
        """Signs the browser out (with the session's CSRF token, like every write)."""
        sign_out(db_session, request.cookies.get(COOKIE_NAME))
        response = Redirect("/login", status_code=HTTP_303_SEE_OTHER)
        response.delete_cookie(COOKIE_NAME, path="/")
        return response


CONTROLLERS: list[Any] = [LoginPagesController]
