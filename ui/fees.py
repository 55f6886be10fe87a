"""What a visit costs, as the department and confirm screens say it: a paid visit's fee, or an
insured patient's share when the hospital knows it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.core.domain import Department, ServiceType
from kiosk.core.payment.money import format_vnd


def visit_cost(department: Department, service: ServiceType | None) -> tuple[str, str] | None:
    """(what, how much) for `service` in `department`; None when the hospital did not say."""
    if service is ServiceType.INSURANCE:
        if department.insured_share_vnd is None:
            return None
        what = QCoreApplication.translate("Fees", "You pay (insurance)")
        return what, format_vnd(department.insured_share_vnd)
    if department.fee_vnd is None:
        return None
    return QCoreApplication.translate("Fees", "Fee"), format_vnd(department.fee_vnd)


def visit_cost_line(department: Department, service: ServiceType | None) -> str | None:
    """The cost as one line of a department tile, e.g. "Phí khám: 150.000 đ"."""
    cost = visit_cost(department, service)
    return None if cost is None else f"{cost[0]}: {cost[1]}"
