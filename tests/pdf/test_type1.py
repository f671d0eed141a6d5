"""The Type 1 font programs LibreOffice embeds lose their per-process /UniqueID, fast."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from formgen.pdf import type1


@given(st.binary(max_size=2000), st.integers(min_value=0, max_value=0xFFFF))
def test_the_c_cipher_is_the_python_cipher(data: bytes, key: int) -> None:
    assert type1.eexec_decrypt(data, key) == type1.eexec_decrypt_python(data, key)
    assert type1.eexec_encrypt(data, key) == type1.eexec_encrypt_python(data, key)
    assert type1.eexec_decrypt(type1.eexec_encrypt(data, key), key) == data


def test_the_set_up_built_the_c_cipher() -> None:
    """`make` installs a compiler and Python's headers: a packet's fonts must not go through the
    Python loop (some hundred times slower), unnoticed."""
    assert type1.FAST


def _program(unique_id: int) -> tuple[bytes, int, int]:
    clear = b"%!PS-AdobeFont-1.0: FandolFang-Regular\n/FontName /BAAAAA+FandolFang def\n"
    clear += b"/UniqueID %d def\ncurrentfile eexec\n" % unique_id
    private = b"\x11\x22\x33\x44dup /Private 8 dict dup begin\n/password 5839 def\n"
    private += b"/UniqueID %d def\n/CharStrings 2 dict dup begin\n" % unique_id + bytes(range(256)) * 40
    secret = type1.eexec_encrypt(private)
    trailer = b"0" * 512 + b"\ncleartomark\n"
    return clear + secret + trailer, len(clear), len(secret)


def test_the_id_goes_from_the_clear_part_and_the_encrypted_part_alike() -> None:
    data, clear_end, secret_length = _program(4100023)
    cleaned = type1.without_unique_id(data, clear_end, secret_length)
    assert cleaned is not None
    out, clear_length, new_secret_length = cleaned
    assert b"UniqueID" not in out[:clear_length]
    private = type1.eexec_decrypt(out[clear_length : clear_length + new_secret_length])
    assert b"UniqueID" not in private and b"/password 5839 def\n/CharStrings" in private
    assert private.endswith(bytes(range(256)) * 40)
    assert out.endswith(b"0" * 512 + b"\ncleartomark\n")


def test_two_processes_counters_give_the_same_font_program() -> None:
    """Whichever LibreOffice embedded the font, and on its how-manieth document, the same bytes."""
    first = type1.without_unique_id(*_program(4100001))
    later = type1.without_unique_id(*_program(4100950))
    assert first is not None and first == later


def test_a_program_without_an_id_is_left_alone() -> None:
    clear = b"%!PS-AdobeFont-1.0: X\ncurrentfile eexec\n"
    secret = type1.eexec_encrypt(b"\0\0\0\0dup /Private 8 dict dup begin\n")
    assert type1.without_unique_id(clear + secret, len(clear), len(secret)) is None
