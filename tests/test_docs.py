"""The documentation works from a clone alone.

- Every rule ID named in the code, the tests or the documentation (``LOCK-1``…) has its entry in
  ``docs/rules.md`` (a line ``- **LOCK-1** …``), and each area's entries run from 1 without a gap
  or a repeat.
- ``README.md`` and ``docs/*.md`` hold no link or path that leaves the repository (``../``
  above its root, an absolute path, a URL), and every relative link points to a file that
  exists (and, for a ``#fragment`` into a Markdown file, to one of its headings).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "docs" / "rules.md"
AREAS = (
    "SIGNUP",
    "AUTH",
    "LOCK",
    "RESET",
    "INV",
    "PAY",
    "EINV",
    "DEBIT",
    "BANK",
    "PROFILE",
    "METER",
    "CONSO",
    "REQ",
    "ALERT",
    "REF",
    "SEC",
    "MAIL",
    "SIM",
)
RULE_ID = re.compile(r"\b(" + "|".join(AREAS) + r")-(\d+)\b")
ENTRY = re.compile(r"^- \*\*(" + "|".join(AREAS) + r")-(\d+)\*\*", re.M)

FENCE = re.compile(r"^```.*?^```", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
INLINE_LINK = re.compile(r"!?\[(?:[^\]\n]|\][^(\n])*?\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEF = re.compile(r"^\s*\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
PARENT_PATH = re.compile(r"(?:\.\./)+[^\s`'\")\]>]*")
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:work|home|tmp|Users|root)/\S*")


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _named_ids() -> set[str]:
    sources = [*(ROOT / "geg_tui").rglob("*.py"), *(ROOT / "tests").rglob("*.py"), *_documents()]
    found: set[str] = set()
    for path in sources:
        found.update(f"{a}-{n}" for a, n in RULE_ID.findall(path.read_text(encoding="utf-8")))
    return found


def _entries() -> list[tuple[str, int]]:
    return [(area, int(n)) for area, n in ENTRY.findall(RULES.read_text(encoding="utf-8"))]


def test_docs_rules_exists() -> None:
    assert RULES.is_file(), "docs/rules.md, the account rules for testers, is missing"


def test_every_rule_id_in_code_and_tests_is_documented() -> None:
    assert RULES.is_file(), "docs/rules.md is missing"
    documented = {f"{area}-{n}" for area, n in _entries()}
    missing = sorted(_named_ids() - documented)
    assert not missing, f"rule IDs named in the code, tests or docs but not documented: {missing}"


def test_rule_entries_run_from_one_without_gaps_or_repeats() -> None:
    assert RULES.is_file(), "docs/rules.md is missing"
    entries = _entries()
    for area in AREAS:
        numbers = [n for a, n in entries if a == area]
        assert numbers, f"no entry for the area {area}"
        assert numbers == list(range(1, len(numbers) + 1)), f"{area}: entries {numbers}"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M):
        slug = _slug(heading)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _links(text: str) -> list[str]:
    prose = CODE_SPAN.sub("", FENCE.sub("", text))
    return INLINE_LINK.findall(prose) + REFERENCE_DEF.findall(prose)


@pytest.mark.parametrize("doc", _documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_links_stay_in_the_repository_and_resolve(doc: Path) -> None:
    problems = []
    for target in _links(doc.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("/", "~")):
            problems.append(f"{target}: leaves the repository")
            continue
        path_part, _, fragment = target.partition("#")
        dest = (doc.parent / path_part).resolve() if path_part else doc
        if not dest.is_relative_to(ROOT):
            problems.append(f"{target}: leaves the repository")
        elif not dest.exists():
            problems.append(f"{target}: no such file")
        elif fragment and dest.suffix == ".md" and fragment not in _anchors(dest):
            problems.append(f"{target}: no heading #{fragment} in {dest.name}")
    assert not problems, f"{doc.name}: " + "; ".join(problems)


@pytest.mark.parametrize("doc", _documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_path_leaves_the_repository(doc: Path) -> None:
    """Not even in code: ``../shared/…`` or ``/work/…`` exist on one machine, not in a clone."""
    text = doc.read_text(encoding="utf-8")
    problems = [
        path
        for path in PARENT_PATH.findall(text)
        if not (doc.parent / path).resolve().is_relative_to(ROOT)
    ]
    problems += ABSOLUTE_PATH.findall(text)
    assert not problems, f"{doc.name} names paths outside the repository: {problems}"
