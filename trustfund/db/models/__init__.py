"""All tables. Each module holds one domain's tables; importing this package registers
every table on ``Base.metadata`` (Alembic and the test schema rely on that)."""

from trustfund.db.base import Base
from trustfund.db.models import (
    approvals,
    auth,
    disclosure,
    estates,
    fees,
    grants,
    inquiries,
    journal,
    oversight,
    reconciliation,
    settlements,
)

__all__ = [
    "Base",
    "approvals",
    "auth",
    "disclosure",
    "estates",
    "fees",
    "grants",
    "inquiries",
    "journal",
    "oversight",
    "reconciliation",
    "settlements",
]
