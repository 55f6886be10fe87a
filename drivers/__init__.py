"""Hardware adapters: each a small interface with a real implementation and a simulated twin."""
