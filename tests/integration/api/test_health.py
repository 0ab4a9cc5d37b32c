from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import TestClient


def test_health_answers_with_the_database_backend(
    client: TestClient[Litestar], backend: str
) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    expected = "postgresql" if backend == "postgres" else "sqlite"
    assert response.json() == {"status": "ok", "database": expected}


def test_docs_page_loads_nothing_from_outside(client: TestClient[Litestar]) -> None:
    page = client.get("/schema/swagger")
    assert page.status_code == 200
    assert not re.search(r"""(src|href)=["']?https?://""", page.text)
    for asset in re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text):
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset
    assert client.get("/schema/openapi.json").json()["info"]["title"] == "trustfund"


def test_unknown_route_is_a_problem_document(client: TestClient[Litestar]) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404
