"""Alembic revisions of the vault schema; installed as ``therapist_desk.migrations``."""
