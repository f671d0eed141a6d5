"""Type 1 font programs in a PDF: take out the /UniqueID LibreOffice numbers them with.

LibreOffice 7.4 embeds every CFF-flavoured OpenType face (the Fandol and Noto CJK faces
formgen prints in) as Type 1 subsets, and gives each subset a /UniqueID from a counter of its
process (4100001, 4100002, …). The same document converted by a fresh LibreOffice, or by a
warm one on its hundredth document, would differ in those digits alone; without them, a
packet's bytes depend on its inputs only, whichever worker converted it and however often
one was restarted. The id is optional, and a shared fixed one could make a printer's font
cache mix up different subsets, so it is removed, not replaced.

It appears twice: in the clear part, and in the Private dictionary inside the eexec-encrypted
part. The eexec cipher feeds every byte back into its key, so everything after the id is
decrypted and encrypted again. That loop runs in the C module `_eexec` when it was built
(`pip install` compiles it when a C compiler and Python's headers are there; `make` installs
both) and in Python otherwise, some hundred times slower.

A font program cleaned so is stored without a filter. Its encrypted part, nearly all of it,
is noise to a compressor: deflating 440 KB of a packet's fonts again took 19 ms to save 2.7%
of their bytes, more Python time than the cipher itself.
"""

from __future__ import annotations

import functools
import re
from typing import cast

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject, NumberObject, StreamObject

_EEXEC_KEY, _C1, _C2 = 55665, 52845, 22719
_UNIQUE_ID = re.compile(rb"/UniqueID \d+ def\n?")


def eexec_decrypt_python(data: bytes, key: int = _EEXEC_KEY, /) -> bytes:
    """Type 1 eexec decryption (Adobe Type 1 Font Format, §7.2)."""
    out = bytearray()
    for byte in data:
        out.append(byte ^ (key >> 8))
        key = ((byte + key) * _C1 + _C2) & 0xFFFF
    return bytes(out)


def eexec_encrypt_python(data: bytes, key: int = _EEXEC_KEY, /) -> bytes:
    """Type 1 eexec encryption; the plain text keeps its own four leading bytes."""
    out = bytearray()
    for plain in data:
        byte = plain ^ (key >> 8)
        out.append(byte)
        key = ((byte + key) * _C1 + _C2) & 0xFFFF
    return bytes(out)


try:
    from formgen.pdf import _eexec
except ImportError:  # pragma: no cover - built wherever `make` ran
    eexec_decrypt, eexec_encrypt = eexec_decrypt_python, eexec_encrypt_python
    FAST = False
else:
    eexec_decrypt, eexec_encrypt = _eexec.decrypt, _eexec.encrypt
    FAST = True
    """Whether the C module does the cipher."""


def drop_font_counters(writer: PdfWriter) -> None:
    """Remove the /UniqueID from every Type 1 font program `writer` holds."""
    for index, obj in enumerate(writer._objects):
        if not isinstance(obj, StreamObject) or "/Length2" not in obj:
            continue
        cleaned = without_unique_id(
            obj.get_data(), int(cast(int, obj["/Length1"])), int(cast(int, obj["/Length2"]))
        )
        if cleaned is None:
            continue
        data, clear_length, secret_length = cleaned
        program = DecodedStreamObject()
        program.update({key: value for key, value in obj.items() if key not in _FILTER_KEYS})
        program[NameObject("/Length1")] = NumberObject(clear_length)
        program[NameObject("/Length2")] = NumberObject(secret_length)
        program.set_data(data)
        program.indirect_reference = obj.indirect_reference
        writer._objects[index] = program  # every reference to it is by number: they follow


_FILTER_KEYS = frozenset({"/Filter", "/DecodeParms", "/Length"})


@functools.lru_cache(maxsize=256)
def without_unique_id(data: bytes, clear_end: int, secret_length: int) -> tuple[bytes, int, int] | None:
    """One Type 1 font program without its /UniqueID, with its new /Length1 and /Length2; None
    when it has none. Cached: the fonts of the shared number sheet recur in every packet of a
    batch."""
    secret_end = clear_end + secret_length
    clear = _UNIQUE_ID.sub(b"", data[:clear_end], count=1)
    private = eexec_decrypt(data[clear_end:secret_end])
    private_clean = _UNIQUE_ID.sub(b"", private, count=1)
    if clear == data[:clear_end] and private_clean == private:
        return None
    secret = eexec_encrypt(private_clean)
    return clear + secret + data[secret_end:], len(clear), len(secret)
