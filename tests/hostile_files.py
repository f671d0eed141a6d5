"""Hostile files built byte by byte, for the tests of what formgen refuses and rebuilds."""

from __future__ import annotations


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF of `objects` (numbered from 1, the first the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def one_page(content: bytes, resources: bytes = b"") -> bytes:
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << %s >> >>"
            % resources,
            stream(content),
        ]
    )


def hostile_pdf() -> bytes:
    """A licence page whose file also runs JavaScript on opening and on the page, links to
    cmd.exe and an outside address, holds a form field and an embedded program."""
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /AcroForm << /Fields [9 0 R] >>"
            b" /Names << /EmbeddedFiles << /Names [(evil.exe) 10 0 R] >> /JavaScript << /Names [(x) 6 0 R] >> >>"
            b" /Outlines << /Type /Outlines /Count 0 >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> /AA << /O 6 0 R >> /Annots [7 0 R 8 0 R 9 0 R] >>",
            stream(b"BT /F1 24 Tf 72 700 Td (LICENCE 12345) Tj ET"),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Evil 6 0 R >>",  # an action hung on a font
            b"<< /Type /Action /S /JavaScript /JS (app.alert\\('owned'\\)) >>",
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /Launch /F (cmd.exe) >> >>",
            b"<< /Type /Annot /Subtype /Link /Rect [0 100 100 200] /A << /S /URI /URI (http://evil.example/) >> >>",
            b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (f) /Rect [0 200 100 300] /AA << /K 6 0 R >> >>",
            b"<< /Type /Filespec /F (evil.exe) /EF << /F 11 0 R >> >>",
            stream(b"MZ evil program", b"/Type /EmbeddedFile"),
        ]
    )
