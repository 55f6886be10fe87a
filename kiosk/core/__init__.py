"""The pure core: domain values, the check-in flow, identity parsing, tickets and the ports.

Standard library and itself only: no Qt, no hardware, no network, no files (the architecture
test holds it to that).
"""
