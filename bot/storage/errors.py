"""What the storage layer tells the services when the database refuses a write, in our
terms rather than the driver's, so the services need not know SQLAlchemy."""

from __future__ import annotations


class Taken(Exception):
    """A unique rule refused the write: a name or number someone else claimed meanwhile.
    The unit of work has been rolled back."""
