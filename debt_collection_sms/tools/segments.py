"""How many SMS segments a text takes: pure functions, no database.

A text made only of GSM 03.38 characters is sent in the 7-bit GSM alphabet:
160 characters in one SMS, 153 per segment when it is split (the other
septets carry the concatenation header). Characters of the extension table
(``{ } [ ] ~ \\ | ^ €`` and the form feed) take two septets each, and the two
halves of one are never split across segments. Any other character (Polish
letters with diacritics, emoji…) makes the whole text Unicode (UCS-2): 70
UTF-16 code units in one SMS, 67 per segment; a character outside the Basic
Multilingual Plane (most emoji) takes two units, never split.
"""

from typing import NamedTuple

GSM7 = "gsm7"
UCS2 = "ucs2"

# GSM 03.38 basic character set (the escape character 0x1B excluded).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# GSM 03.38 extension table: escape + character, two septets.
GSM7_EXTENDED = frozenset("\f^{}\\[~]|€")

SINGLE_LIMIT = {GSM7: 160, UCS2: 70}
PART_LIMIT = {GSM7: 153, UCS2: 67}


class SegmentCount(NamedTuple):
    encoding: str  # GSM7 or UCS2
    length: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int  # 0 for an empty text
    remaining: int  # units still free in the last segment


def is_gsm7(text):
    """Whether ``text`` can be sent in the 7-bit GSM alphabet."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def _units(text, encoding):
    """The size of each character of ``text`` in ``encoding`` units."""
    if encoding == GSM7:
        return [2 if char in GSM7_EXTENDED else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def count_segments(text):
    """The :class:`SegmentCount` of ``text`` (None counts as empty)."""
    text = text or ""
    encoding = GSM7 if is_gsm7(text) else UCS2
    units = _units(text, encoding)
    length = sum(units)
    if not length:
        return SegmentCount(encoding, 0, 0, SINGLE_LIMIT[encoding])
    if length <= SINGLE_LIMIT[encoding]:
        return SegmentCount(encoding, length, 1, SINGLE_LIMIT[encoding] - length)
    limit = PART_LIMIT[encoding]
    segments, used = 1, 0
    for size in units:
        if used + size > limit:  # a character is never split between segments
            segments += 1
            used = 0
        used += size
    return SegmentCount(encoding, length, segments, limit - used)
