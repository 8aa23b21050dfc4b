"""Fill German msgstr entries in locale/de from a JSON dict {msgid: msgstr} (only empty ones).

Usage: python scripts/fill_po.py locale/translations-de   (every *.json there, one file per topic;
`make messages` runs this and compiles)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "locale/de/LC_MESSAGES/django.po"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _drop_fuzzy_guesses(content: str) -> str:
    """makemessages guesses translations for new strings ("fuzzy"); never trust a guess."""
    blocks = content.split("\n\n")
    for index, block in enumerate(blocks):
        if index == 0 or "#, fuzzy" not in block:
            continue
        lines = [line for line in block.split("\n") if not line.startswith("#|")]
        lines = [line.replace("#, fuzzy, ", "#, ") for line in lines if line != "#, fuzzy"]
        block = "\n".join(lines)
        block = re.sub(r'\nmsgstr "(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*', '\nmsgstr ""', block)
        block = re.sub(r'\nmsgstr\[(\d)\] "(?:[^"\\]|\\.)*"', r'\nmsgstr[\1] ""', block)
        blocks[index] = block
    return "\n\n".join(blocks)


def fill(translations: dict[str, str]) -> int:
    """Set msgstr for single-line msgids that are still untranslated; returns how many were set."""
    content = _drop_fuzzy_guesses(PO.read_text(encoding="utf-8"))
    count = 0
    for msgid, msgstr in translations.items():
        if isinstance(msgstr, list):  # plural: [singular, plural]
            pattern = re.compile(
                r'(\nmsgid "'
                + re.escape(_escape(msgid))
                + r'"\nmsgid_plural ".*"\n)msgstr\[0\] ""\nmsgstr\[1\] ""'
            )
            replacement = f'msgstr[0] "{_escape(msgstr[0])}"\nmsgstr[1] "{_escape(msgstr[1])}"'
            content, n = pattern.subn(lambda m, r=replacement: m.group(1) + r, content)
            count += n
            continue
        pattern = re.compile(r'(\nmsgid "' + re.escape(_escape(msgid)) + r'"\n)msgstr ""\n(?!")')
        replacement = f'msgstr "{_escape(msgstr)}"\n'
        content, n = pattern.subn(lambda m, r=replacement: m.group(1) + r, content)
        count += n
    content = content.replace("#, fuzzy\n", "", 1)  # the header's flag
    # A fixed creation date keeps the catalogue stable between runs (fewer merge conflicts).
    stamp = '"POT-Creation-Date: 2026-01-01 00:00+0000\\n"'
    content = re.sub(r'"POT-Creation-Date: [^"]*"', lambda _match: stamp, content)
    PO.write_text(content, encoding="utf-8")
    return count


def load(source: Path) -> dict[str, str]:
    """Merge the JSON dicts of a folder (sorted by name) or read one file."""
    files = sorted(source.glob("*.json")) if source.is_dir() else [source]
    merged: dict[str, str] = {}
    for path in files:
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


if __name__ == "__main__":
    print(fill(load(Path(sys.argv[1]))), "entries filled")
