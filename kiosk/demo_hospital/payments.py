"""The demo hospital's cashier: payment requests for paid visits, and the test hooks that play
the bank ("the transfer arrived") and the patient ("I give up").

A request's reference comes from the visit's idempotency key, so the kiosk retrying a
registration gets the same request back, never a second charge."""

from __future__ import annotations

import base64
import hashlib
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from kiosk.core.payment.vietqr import VietQr, encode

SCHEMA = """
CREATE TABLE payments (
    reference TEXT PRIMARY KEY, visit_id TEXT NOT NULL, amount_vnd INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'expired', 'cancelled')),
    expires_at TEXT NOT NULL, paid_at TEXT
)
"""
# A made-up account at a real bank's BIN: banking apps show the bank's name for it.
BANK_BIN = "970436"
BANK_NAME = "Vietcombank"
ACCOUNT = "0011004321987"
ACCOUNT_NAME = "BENH VIEN DA KHOA DEMO"
PAYMENT_MINUTES = 10
SETTLED = frozenset({"paid", "cancelled"})


def reference_for(idempotency_key: str) -> str:
    """The reference: "KB" and 12 letters or digits from the key (same key, same reference)."""
    digest = hashlib.sha256(idempotency_key.encode()).digest()
    return "KB" + base64.b32encode(digest).decode()[:12]


def create(
    conn: sqlite3.Connection, *, key: str, visit_id: str, amount: int, now: datetime
) -> dict[str, Any]:
    """Ask for `amount` for this visit; the request as the contract's `PaymentRequest`."""
    reference = reference_for(key)
    expires_at = (now + timedelta(minutes=PAYMENT_MINUTES)).replace(microsecond=0)
    conn.execute(
        "INSERT INTO payments VALUES (?, ?, ?, 'pending', ?, NULL)",
        (reference, visit_id, amount, expires_at.isoformat()),
    )
    payload = encode(VietQr(BANK_BIN, ACCOUNT, amount, reference))
    return {
        "reference": reference,
        "amount_vnd": amount,
        "bank_bin": BANK_BIN,
        "bank_name": BANK_NAME,
        "account": ACCOUNT,
        "account_name": ACCOUNT_NAME,
        "expires_at": expires_at.isoformat(),
        "qr_payload": payload,
    }


def status(conn: sqlite3.Connection, reference: str, now: datetime) -> dict[str, Any] | None:
    """The contract's `PaymentStatus`; a pending request past its time has expired."""
    row = conn.execute("SELECT * FROM payments WHERE reference = ?", (reference,)).fetchone()
    if row is None:
        return None
    state = row["state"]
    if state == "pending" and now >= datetime.fromisoformat(row["expires_at"]):
        state = "expired"
    return {"reference": reference, "state": state, "paid_at": row["paid_at"]}


def settle(conn: sqlite3.Connection, reference: str, *, paid: bool, now: datetime) -> bool:
    """The bank confirmed (`paid`) or the patient gave up; False if there is nothing pending."""
    current = status(conn, reference, now)
    if current is None or current["state"] != "pending":
        return False
    conn.execute(
        "UPDATE payments SET state = ?, paid_at = ? WHERE reference = ?",
        ("paid" if paid else "cancelled", now.isoformat() if paid else None, reference),
    )
    return True


def pending(conn: sqlite3.Connection, now: datetime) -> list[str]:
    """References still waiting for the bank, oldest first (the demo panel's buttons act on
    the newest)."""
    rows = conn.execute(
        "SELECT reference FROM payments WHERE state = 'pending' AND expires_at > ? ORDER BY rowid",
        (now.isoformat(),),
    ).fetchall()
    return [row["reference"] for row in rows]
