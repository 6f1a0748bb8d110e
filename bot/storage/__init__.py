"""Persistence: SQLAlchemy models, repositories, the unit of work, migrations, recordings."""
