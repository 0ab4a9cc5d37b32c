"""Database layer: SQLAlchemy models (``db.models``), engine and sessions, Alembic migrations."""
