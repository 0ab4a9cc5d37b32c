"""The hash chain: ``hash = sha256(prev + canonical text)``, and verification of an exported
file from its text alone (no database, no beancount). Pure."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from trustfund.ledger.text import GENESIS, LINK_PREFIX, header, without_hash


def entry_hash(prev: str, canonical: str) -> str:
    """sha256 hex of the previous hash followed by the entry's canonical text (UTF-8)."""
    return hashlib.sha256((prev + canonical).encode("utf-8")).hexdigest()


_TXN_HEAD = re.compile(r"^\d{4}-\d{2}-\d{2} (?:[*!] |open )")
_TRANSACTION = re.compile(r"^\d{4}-\d{2}-\d{2} [*!] ")
_TITLE = re.compile(r'^option "title" ("(?:[^"\\]|\\.)*")$', re.MULTILINE)
_SEQ = re.compile(r'^  seq: "(\d+)"$', re.MULTILINE)
_PREV = re.compile(r'^  prev: "([0-9a-f]{64})"$', re.MULTILINE)
_LINK = re.compile(r"\^" + re.escape(LINK_PREFIX) + r"(\d+)\n")


@dataclass
class Verification:
    """Result of ``verify_text``: ``ok`` when every entry chains; else the first problem."""

    entries: int = 0
    head_hash: str = GENESIS
    first_bad_seq: int | None = None
    problem: str | None = None
    #: The title of the fixed header (the estate's name). Not covered by the chain: compare
    #: it with the estate named on the disclosure that prints the head hash.
    title: str | None = None
    line: int | None = None
    hashes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


def split_file(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(header lines, entry blocks) of an exported file: every block starts with a
    transaction line at column 0 and runs over the indented lines after it. Lines are split
    on ``\\n`` only (never on other Unicode line breaks, which beancount does not split on).
    Returns line numbers (1-based) so problems can be located."""
    header: list[tuple[int, str]] = []
    blocks: list[tuple[int, str]] = []
    current: list[str] | None = None
    start = 0
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if _TXN_HEAD.match(line):
            if current is not None:
                blocks.append((start, "".join(current)))
            current, start = [line + "\n"], number
        elif current is not None and line.startswith("  "):
            current.append(line + "\n")
        elif line == "" and (current is not None or blocks):
            if current is not None:
                blocks.append((start, "".join(current)))
            current = None
        elif current is None and not blocks:
            header.append((number, line))
        else:  # a stray line among the entries: kept as a block of its own, which fails
            if current is not None:
                blocks.append((start, "".join(current)))
            current = None
            blocks.append((number, line + "\n"))
    if current is not None:
        blocks.append((start, "".join(current)))
    return header, blocks


def verify_text(text: str) -> Verification:
    """Recompute the hash chain of an exported ledger file from its text alone.

    Checks that the header holds only comments, the two options and ``open`` directives
    (no ``plugin``, ``include`` or other options), that entries are numbered 1, 2, 3, … with
    their ``^tf-<seq>`` link, that each ``prev`` is the previous entry's hash and that each
    ``hash`` equals sha256(prev + canonical text). Stops at the first bad entry.
    """
    result = Verification()
    head_lines, blocks = split_file(text)
    head_text = "".join(line + "\n" for _, line in head_lines).rstrip("\n") + "\n"
    title = _TITLE.search(head_text)
    try:
        expected = header(_unquote(title.group(1))) if title else None
    except ValueError:  # a control character in the title: not a header we write
        expected = None
    if not blocks:
        result.problem = (
            "no entries: an empty or header-only file is not a verified ledger"
            if expected == head_text or not head_text.strip()
            else "no entries, and the header differs from the fixed trustfund header"
        )
        result.first_bad_seq, result.line = 1, 1
        return result
    result.title = _unquote(title.group(1)) if title and expected == head_text else None
    if expected != head_text:
        result.problem = (
            "the header differs from the fixed trustfund header (comments, title, currency): "
            "no plugin, include or other option may precede the entries"
        )
        result.line = 1
        if expected is not None and head_text.startswith(expected):
            result.first_bad_seq = 1  # the header is intact: what follows it is not an entry
        return result
    prev = GENESIS
    for expected_seq, (number, block) in enumerate(blocks, start=1):
        result.line = number
        canonical, stated_hash = without_hash(block)
        seq_match = _SEQ.search(block)
        seq = int(seq_match.group(1)) if seq_match else None
        result.first_bad_seq = seq if seq is not None else expected_seq
        if not _TXN_HEAD.match(block):
            result.problem = f"line {number}: not an entry: {block.strip()[:60]!r}"
            return result
        if stated_hash is None:
            result.problem = f"entry at line {number}: no hash line after its first line"
            return result
        if seq != expected_seq:
            result.problem = f"entry at line {number}: seq {seq}, expected {expected_seq}"
            result.first_bad_seq = expected_seq
            return result
        link = _LINK.search(block.split("\n", 1)[0] + "\n")
        if _TRANSACTION.match(block) and (link is None or int(link.group(1)) != seq):
            result.problem = f"entry {seq}: its link is not ^{LINK_PREFIX}{seq}"
            return result
        prev_match = _PREV.search(block)
        if prev_match is None or prev_match.group(1) != prev:
            result.problem = f"entry {seq}: prev does not match the hash of entry {seq - 1}"
            return result
        computed = entry_hash(prev, canonical)
        if computed != stated_hash:
            result.problem = f"entry {seq}: content does not match its hash"
            return result
        prev = stated_hash
        result.hashes.append(stated_hash)
        result.entries = seq
    result.head_hash = prev
    result.first_bad_seq = None
    result.line = None
    return result


def _unquote(literal: str) -> str:
    """Inverse of ``text.quote`` for a title string literal."""
    escapes = {"\\\\": "\\", '\\"': '"', "\\n": "\n", "\\t": "\t", "\\r": "\r", "\\f": "\f"}
    return re.sub(r"\\.", lambda m: escapes.get(m.group(0), m.group(0)[1]), literal[1:-1])
