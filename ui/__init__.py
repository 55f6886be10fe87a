"""PySide6 user interface: main window, one module per screen, theme, translations."""
