from .fixtures import quality_year  # noqa: F401
