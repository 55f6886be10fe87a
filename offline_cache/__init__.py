"""Local SQLite store: lookup cache, outbox, offline queue numbers, sync (see DESIGN.md).

Wiring (kiosk/app/controller.py): OfflineStore -> LookupCache, QueueNumbers, Outbox -> OfflineDesk,
HealthMonitor and SyncWorker, with an ErrorPolicy naming the hospital client's exceptions.
"""

from offline_cache.cache import CachedDepartments, LookupCache
from offline_cache.desk import IssuedTicket, OfflineDesk
from offline_cache.errors import KeyFileError, OfflineCacheError, StoreBusy, StoreError, StoreFull
from offline_cache.health import Connectivity, HealthMonitor, HealthSnapshot
from offline_cache.numbering import ProvisionalNumber, QueueNumbers
from offline_cache.outbox import FollowUp, Outbox, OutboxItem, OutboxState, Quarantined
from offline_cache.policy import RETRYABLE_CODES, ErrorPolicy, Verdict
from offline_cache.store import OfflineStore, Purged
from offline_cache.sync import Result, SyncOutcome, SyncWorker
from offline_cache.visits import KioskVisit, KioskVisits

__all__ = [
    "RETRYABLE_CODES",
    "CachedDepartments",
    "Connectivity",
    "ErrorPolicy",
    "FollowUp",
    "HealthMonitor",
    "HealthSnapshot",
    "IssuedTicket",
    "KeyFileError",
    "KioskVisit",
    "KioskVisits",
    "LookupCache",
    "OfflineCacheError",
    "OfflineDesk",
    "OfflineStore",
    "Outbox",
    "OutboxItem",
    "OutboxState",
    "ProvisionalNumber",
    "Purged",
    "Quarantined",
    "QueueNumbers",
    "Result",
    "StoreBusy",
    "StoreError",
    "StoreFull",
    "SyncOutcome",
    "SyncWorker",
    "Verdict",
]
