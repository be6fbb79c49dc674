"""Output for a stream that cannot take UTF-8 (``PYTHONIOENCODING=ascii``, an old console).

JSON keeps every character, escaped as ``\\uXXXX`` (still valid JSON, same data); every other
format is transliterated: box drawing becomes ``+ - |``, bars ``#``, and signs their ASCII names.
"""

from __future__ import annotations

_BOX = {ch: "-" for ch in "─━═"} | {ch: "|" for ch in "│┃║"}
_BOX |= {ch: "+" for ch in "┌┐└┘├┤┬┴┼┏┓┗┛┡┩┳┻╇╋╞╡╪"}
_BLOCKS = {ch: "#" for ch in "▏▎▍▌▋▊▉█"}
_SPARKS = dict(zip("▁▂▃▄▅▆▇", "_.-~=*^", strict=True))
_SIGNS = {
    "€": "EUR ", "£": "GBP ", "¥": "JPY ", "₹": "INR ",
    "×": "x", "÷": "/", "±": "+/-", "−": "-", "–": "-", "—": "-", "…": "...", "→": "->",
    "≈": "~", "·": "-",
}  # fmt: skip
_TABLE = str.maketrans(_BOX | _BLOCKS | _SPARKS | _SIGNS)


def json_ascii(text: str) -> str:
    """JSON text with every non-ASCII character escaped (the same JSON value)."""
    out = []
    for ch in text:
        code = ord(ch)
        if code < 128:
            out.append(ch)
        elif code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out)


def text_ascii(text: str) -> str:
    """Text for people, in ASCII: known signs spelled out, anything else as ``?``."""
    return text.translate(_TABLE).encode("ascii", "replace").decode("ascii")
