"""Bytes of an applicant's file to text: UTF-8 (with or without BOM), else GB18030 as Excel writes it.

Shared by the data-file loader (YAML, JSON) and the spreadsheet reader (CSV), so both read
a file saved by Excel or WPS on a Chinese Windows the same way, and fail the same way.
"""

from __future__ import annotations


class DataFileError(Exception):
    """The data file cannot be read or parsed."""


class UnreadableFileError(DataFileError):
    """The file cannot be opened at all (missing, a folder, no permission)."""


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """Return the text of `raw` and its encoding: UTF-8 (with or without BOM), else GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise DataFileError(
                f"{name}: 既不是UTF-8也不是GB18030编码 / neither UTF-8 nor GB18030 (byte {utf8_error.start})"
            ) from None
