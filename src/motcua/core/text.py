"""Text rules that hold everywhere: NFC on input, accent-insensitive search keys."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Characters that stay meaningful in a search key; everything else separates words.
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def nfc(value: str) -> str:
    """Normalize text typed by people: NFC, trimmed, inner whitespace collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """Search key: lower case without diacritics ("Đăng ký" → "dang ky").

    Stored beside the searchable text so that the same LIKE query works on SQLite and on
    PostgreSQL without extensions.
    """
    decomposed = unicodedata.normalize("NFD", value.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", stripped)).strip()


def search_terms(query: str, max_length: int = 200, max_terms: int = 8) -> list[str]:
    """Split a user's query into folded words, bounded so odd or huge input stays cheap."""
    words = fold(query[:max_length]).split()
    # Longest words first: they narrow the LIKE scan the most.
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return unique[:max_terms]
