"""The embedded demo hospital: the kiosk REST contract over real HTTP, data in SQLite.

Import `kiosk.demo_hospital.server` for the server and `kiosk.demo_hospital.personas` for
the demo patients; this package module stays empty so importing personas stays cheap.
"""
