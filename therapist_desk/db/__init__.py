"""Storage: SQLAlchemy models, the SQLite engine, encrypted columns and migrations."""
