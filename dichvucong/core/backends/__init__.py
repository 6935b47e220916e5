"""Database backends: Django's, with what the project changes in them (see each module)."""
