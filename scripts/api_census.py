"""Count how typed the API's answers are, and where transactions end.

    .venv/bin/python scripts/api_census.py            # totals, per tag
    .venv/bin/python scripts/api_census.py --untyped  # list each untyped operation

An operation is *typed* when its success answer (the first 2xx) is a 204 without a body, a
file (a non-JSON media type: PDF, XLSX, CSV, HTML) or a JSON schema that names its
properties (directly, through ``$ref``, or as the items of an array). It is *untyped* when
the schema is a bare ``object`` (what ``dict[str, Any]`` becomes) or missing.

Also counts the ``.commit()`` call sites in ``trustfund/`` (issue 15 item 1 asks for one
unit of work to own them)."""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

METHODS = ("get", "put", "post", "patch", "delete")


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def is_typed_schema(spec: dict[str, Any], schema: dict[str, Any] | None) -> bool:
    """Whether ``schema`` says more than "some object": properties, a typed array, a
    scalar, or a union whose members all do."""
    if not schema:
        return False  # missing, or {} (``Any``)
    schema = _resolve(spec, schema)
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            return all(is_typed_schema(spec, part) for part in schema[key])
    kind = schema.get("type")
    if kind == "array":
        return is_typed_schema(spec, schema.get("items"))
    if kind == "object" or kind is None:
        extra = schema.get("additionalProperties")
        return bool(schema.get("properties")) or (
            isinstance(extra, dict) and is_typed_schema(spec, extra)
        )
    return True  # a string, integer, boolean …


def operation_is_typed(spec: dict[str, Any], operation: dict[str, Any]) -> bool:
    responses = operation.get("responses", {})
    success = sorted(s for s in responses if s.startswith("2"))
    if not success:
        return False
    answer = responses[success[0]]
    if success[0] == "204":
        return True
    content = answer.get("content") or {}
    if not content:
        return False
    for media, body in content.items():
        if "json" not in media:
            return True  # a file: PDF, XLSX, CSV, HTML
        return is_typed_schema(spec, body.get("schema"))
    return False


def census(spec: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """``(tag, method, path, typed)`` for every operation of ``spec``."""
    rows = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method, operation in item.items():
            if method not in METHODS:
                continue
            tag = (operation.get("tags") or ["-"])[0]
            rows.append((tag, method.upper(), path, operation_is_typed(spec, operation)))
    return rows


def commit_sites(root: Path = ROOT / "trustfund") -> list[str]:
    """``file:line`` of every ``.commit()`` call in the package (code, not docstrings)."""
    sites = []
    for file in sorted(root.rglob("*.py")):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(r"\w\.commit\(\)", code) and "``" not in code:
                sites.append(f"{file.relative_to(ROOT)}:{number}")
    return sites


def app_spec() -> dict[str, Any]:
    from trustfund.app import create_app
    from trustfund.db.session import make_engine
    from trustfund.settings import Settings

    engine = make_engine("sqlite://")
    app = create_app(Settings(database_url="sqlite://"), engine=engine)
    return app.openapi_schema.to_schema()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--untyped", action="store_true", help="list each untyped operation")
    args = parser.parse_args()
    rows = census(app_spec())
    typed = sum(1 for *_, ok in rows if ok)
    print(f"operations: {len(rows)}  typed 2xx answer: {typed}  bare object: {len(rows) - typed}")
    by_tag: Counter[str] = Counter()
    untyped_by_tag: Counter[str] = Counter()
    for tag, _method, _path, ok in rows:
        by_tag[tag] += 1
        untyped_by_tag[tag] += not ok
    for tag in sorted(by_tag):
        print(f"  {tag:16} {by_tag[tag] - untyped_by_tag[tag]:3} typed / {by_tag[tag]:3}")
    if args.untyped:
        for tag, method, path, ok in rows:
            if not ok:
                print(f"  untyped  {tag:14} {method:6} {path}")
    sites = commit_sites()
    files = {s.rsplit(":", 1)[0] for s in sites}
    print(f".commit() call sites in trustfund/: {len(sites)} in {len(files)} modules")


if __name__ == "__main__":
    main()
