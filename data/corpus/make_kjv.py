#!/usr/bin/env python3
"""Rebuild data/corpus/kjv.txt from Debian's bible-kjv packages (public-domain KJV text).

    apt-get install bible-kjv bible-kjv-text
    bible "gen1:1-rev22:21" | python3 data/corpus/make_kjv.py > data/corpus/kjv.txt

`bible` prints a "Book N" heading per chapter and "  V text" per verse, wrapped. The output has
one line per chapter: its verses joined by spaces, without headings or verse numbers.
"""
import re
import sys

# Narrative, poetic and wisdom books: varied, readable prose, about 0.95 MB in all.
BOOKS = ["Genesis", "Ruth", "Esther", "Job", "Proverbs", "Ecclesiastes", "Song of Solomon",
         "Jonah", "Matthew", "Luke", "John", "Acts"]

HEADING = re.compile(r"^([1-3]? ?[A-Z][A-Za-z ]+) (\d+)$")
VERSE = re.compile(r"^  (\d+) (.*)$")


def main():
    chapters = {}  # book -> list of chapter texts
    book, verses = None, []

    def flush():
        if book and verses:
            chapters.setdefault(book, []).append(" ".join(verses))

    for line in sys.stdin:
        line = line.rstrip("\n")
        m = HEADING.match(line)
        if m:
            flush()
            book, verses = m.group(1), []
            continue
        if not line.strip():
            continue
        m = VERSE.match(line)
        if m:
            verses.append(m.group(2).strip())
        else:
            verses[-1] += " " + line.strip()
    flush()
    for b in BOOKS:
        for text in chapters[b]:
            sys.stdout.write(text.strip() + "\n")


if __name__ == "__main__":
    main()
