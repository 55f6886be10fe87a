"""Typed errors of the offline store: each says what failed in words staff can act on."""

from __future__ import annotations


class OfflineCacheError(Exception):
    """Base of every error this package raises."""


class StoreError(OfflineCacheError):
    """The local database could not complete a write or read; nothing was half-written."""


class StoreFull(StoreError):
    """The disk (or the store's size limit) is full: the check-in was not recorded."""


class StoreBusy(StoreError):
    """Another process held the database locked for longer than the busy timeout."""


class KeyFileError(OfflineCacheError):
    """The encryption key file is missing, unreadable, too open, or not this store's key."""
