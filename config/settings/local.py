"""Settings for `make run` on a developer's or evaluator's machine."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
