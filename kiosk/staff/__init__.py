"""Staff mode's logic: the PIN and its lockout, the staff service, settings and device status."""
