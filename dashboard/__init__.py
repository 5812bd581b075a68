"""Conflict-news analytics: read news items, extract figures, dates, places and topics."""

import logging

from .items import read_items
from .readers import InputError

__all__ = ["InputError", "read_items"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
