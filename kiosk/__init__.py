"""The hospital check-in kiosk: `core` (pure), `hospital`, `staff`, `demo_hospital`, `app` (the
composition root) and the config file's schema and editing."""
