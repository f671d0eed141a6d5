"""Stage 3, PDF: LibreOffice conversion and the packet's print file.

`convert` is the only module that starts LibreOffice (warm workers over UNO, with
`uno_bridge` run by the system's Python, and formgen's `fontconfig`); `packet_docx`,
`packet_pdf` (the owner of pypdf) and `packet_build` make one bound print file of a packet.
It may use the stages below it: documents, data and the model.
"""
