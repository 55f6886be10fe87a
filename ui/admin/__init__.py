"""Staff mode: a hidden gesture, the PIN pad and the staff screens over the kiosk window."""
