"""Application core of the hospital check-in kiosk: no widgets, no hardware libraries."""
