"""Queue ticket printing on ESC/POS thermal printers.

document (a paper ticket as typed elements: the caller's words) -> layout (printer blocks:
raster strips set by typeset, native text and QR, feeds; as wide and as native as the
printer's python-escpos profile says, see profile) -> escpos_output (ESC/POS bytes) ->
escpos_printer / simulated (send). emulation + escpos_decode turn bytes back into paper;
preview draws a layout the same way.
"""
