"""Local SQLite store: lookup cache, outbox, offline queue numbers, sync (see DESIGN.md).

Wiring (kiosk/app/controller.py): OfflineStore -> LookupCache, QueueNumbers, Outbox -> OfflineDesk,
HealthMonitor and SyncWorker, with an ErrorPolicy naming the hospital client's exceptions.
"""

from offline_cache.cache import CachedDepartments, LookupCache
from offline_cache.desk import IssuedTicket, OfflineDesk
from offline_cache.errors import KeyFileError, OfflineCacheError, StoreBusy, StoreError, StoreFull
from offline_cache.health import Connectivity, HealthMonitor, HealthSnapshot
from offline_cache.numbering import ProvisionalNumber, QueueNumbers
from offline_cache.outbox import FollowUp, Outbox, OutboxItem, OutboxState
from offline_cache.policy import ErrorPolicy, Verdict
from offline_cache.store import OfflineStore, Purged
from offline_cache.sync import Result, SyncOutcome, SyncWorker

__all__ = [
    "CachedDepartments",
    "Connectivity",
    "ErrorPolicy",
    "FollowUp",
    "HealthMonitor",
    "HealthSnapshot",
    "IssuedTicket",
    "KeyFileError",
    "LookupCache",
    "OfflineCacheError",
    "OfflineDesk",
    "OfflineStore",
    "Outbox",
    "OutboxItem",
    "OutboxState",
    "ProvisionalNumber",
    "Purged",
    "QueueNumbers",
    "Result",
    "StoreBusy",
    "StoreError",
    "StoreFull",
    "SyncOutcome",
    "SyncWorker",
    "Verdict",
]
