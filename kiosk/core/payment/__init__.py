"""Paying for a visit at the kiosk: the VietQR code a banking app scans, and the fee's wording."""
