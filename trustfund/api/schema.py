"""OpenAPI for strings that say what they hold: ``Annotated[str, msgspec.Meta(...)]``.

Litestar reads constraints from its own ``Parameter`` and from ``annotated_types``, not from
``msgspec.Meta`` on a field of a ``TypedDict``; domain schemas must not import Litestar. This
plugin gives such a string its ``pattern``, ``description`` and ``examples`` — how
``ledger.money.Money`` shows as ``"1234.50"`` with its pattern. Only the document changes:
answers are encoded as before."""

from __future__ import annotations

from typing import Any

from litestar._openapi.schema_generation.schema import SchemaCreator
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition
from msgspec import Meta


def _meta(field_definition: FieldDefinition) -> Meta | None:
    return next((m for m in field_definition.metadata if isinstance(m, Meta)), None)


class MetaStringSchemaPlugin(OpenAPISchemaPlugin):
    """A ``str`` annotated with ``msgspec.Meta``: a string schema with the Meta's facts."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return field_definition.annotation is str and _meta(field_definition) is not None

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        meta = _meta(field_definition)
        assert meta is not None
        facts: dict[str, Any] = {}
        if meta.pattern is not None:
            facts["pattern"] = meta.pattern
        if meta.description is not None:
            facts["description"] = meta.description
        if meta.examples:
            facts["examples"] = list(meta.examples)
        return Schema(type=OpenAPIType.STRING, **facts)
