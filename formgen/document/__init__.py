"""Stage 2, documents: Word and Excel forms written, filled and read back.

Byte-stable packages and atomic writes (`package`), WordprocessingML pieces and their schema
order (`wordml`, `ooxml`), the render context (`context`, `locale`), the GB/T 9704 layout tools
templates are written with (`docx_layout`, `gongwen`, `xlsx_layout`), filling (`docx_render`,
the only importer of docxtpl, and `xlsx_render`), and reading a filled form back (`controls`, the inputs as any editor left them;
`readback`).
It may use the model and data stages.
"""
