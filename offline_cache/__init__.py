"""Local SQLite store: lookup cache, outbox, offline queue numbers, sync (see DESIGN.md)."""
