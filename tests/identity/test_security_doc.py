"""docs/security.md shows the roles' permissions as the code grants them: the table between its
markers is generated from `PERMISSIONS` (IV.8.5, VI.8.3, VI.8.4.4, III.7), and this test fails
when the two disagree. Regenerate with `python -m tests.identity.test_security_doc`."""

from __future__ import annotations

from pathlib import Path

from icaops.identity import ALL_PERMISSIONS, PERMISSIONS, ROLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
BEGIN, END = "<!-- permissions: generated from icaops/identity/roles.py -->", "<!-- end of permissions -->"


def permission_table() -> str:
    """The roles × permissions table in Markdown: a ✓ where the role has the permission."""
    lines = [
        "| permission | " + " | ".join(f"`{r}`" for r in ROLES) + " |",
        "|---|" + "|".join(":-:" for _ in ROLES) + "|",
    ]
    for permission in ALL_PERMISSIONS:
        marks = " | ".join("✓" if permission in PERMISSIONS[r] else "" for r in ROLES)
        lines.append(f"| `{permission}` | {marks} |")
    return "\n".join(lines)


def _documented() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def test_the_documented_table_is_the_codes():
    assert _documented() == permission_table(), "run: python -m tests.identity.test_security_doc"


def test_the_table_shows_every_grant_and_no_other():
    rows = {line.split("|")[1].strip(" `"): line for line in _documented().splitlines()[2:]}
    assert set(rows) == set(ALL_PERMISSIONS)
    assert sum(line.count("✓") for line in rows.values()) == sum(len(p) for p in PERMISSIONS.values())


if __name__ == "__main__":
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    DOC.write_text(f"{head}{BEGIN}\n{permission_table()}\n{END}{rest.split(END, 1)[1]}", encoding="utf-8")
