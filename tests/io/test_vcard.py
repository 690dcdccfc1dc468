"""vCard files as Google and Apple export them (3.0) and as 4.0 writes them: several cards per file,
folded lines, escaped commas, non-ASCII names."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.io import InputError
from rebound_tui.io.vcard import parse_vcard, read_vcard

FIXTURES = Path(__file__).parent / "fixtures"


def test_google_contacts_export():
    rows = read_vcard(FIXTURES / "google-contacts.vcf")
    assert [r.where for r in rows] == ["card 1", "card 2", "card 3"]
    jen = rows[0].fields
    assert jen["name"] == "Jennifer Walsh"
    assert jen["company"] == "Glenview Freight, Inc."  # the escaped comma
    assert jen["department"] == "Finance"  # ORG's second part
    assert jen["email"] == "jennifer.walsh@glenview-freight.example"  # TYPE=pref wins
    assert jen["phone"] == "+1 847 555 0101"
    assert jen["linkedin"] == "https://www.linkedin.com/in/jennifer-walsh-4a1b2c"
    # The folded NOTE is one line again, with its escaped comma and semicolon.
    assert jen["notes"] == (
        "Interviewed me for the senior accountant role, round 3. Very fair; wants to stay in touch."
    )
    assert rows[1].fields["name"] == "José Müller-Øberg"
    # No FN: the name is built from N (prefix, given, family); a folded TITLE is joined.
    assert rows[2].fields["name"] == "Dr. Wei Chen"
    assert rows[2].fields["title"] == "Head of Data Engineering and Analytics Platform"


def test_apple_contacts_export():
    rows = read_vcard(FIXTURES / "apple-contacts.vcf")
    darlene = rows[0].fields
    assert darlene["name"] == "Darlene Brooks"
    assert darlene["company"] == "Brooks, Hale & Partners"
    assert darlene["title"] == "VP, Operations"
    assert darlene["linkedin"] == "http://www.linkedin.com/in/darlene-brooks"  # X-SOCIALPROFILE
    assert darlene["phone"] == "(312) 555-0199"
    assert rows[1].problem == "a company's card, not a person's"  # X-ABShowAs:COMPANY
    assert rows[2].fields["name"] == "中村 博"
    assert rows[2].fields["company"] == "株式会社サンプル"
    assert rows[2].problem is None


def test_vcard_4():
    rows = read_vcard(FIXTURES / "contacts-v4.vcf")
    zoe, sam = (r.fields for r in rows)
    assert zoe["name"] == "Zoë Ångström-Nakamura"  # folded in the middle of the name
    assert zoe["email"] == "zoe.angstrom@sg.example"  # PREF=1 beats the first one
    assert zoe["phone"] == "+33-1-5555-0100"  # a tel: URI
    assert zoe["company"] == "Société Générale"
    assert sam["company"] == "Acme, Inc."
    assert sam["notes"] == "Met at the Chicago finance meetup.\nLikes cycling."


def test_lf_only_and_latin1_fallback(tmp_path: Path):
    path = tmp_path / "old.vcf"
    path.write_bytes("BEGIN:VCARD\nVERSION:2.1\nFN:Jürgen Weiß\nEND:VCARD\n".encode("cp1252"))
    assert read_vcard(path)[0].fields["name"] == "Jürgen Weiß"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no contact cards"),
        ("hello world\n", "not a readable vCard"),
        ("BEGIN:VCARD\nVERSION:3.0\nFN:Jane\n", "not a readable vCard"),  # never closed
        ("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n", "not contact cards"),
    ],
)
def test_bad_files(text: str, message: str):
    with pytest.raises(InputError, match=message):
        parse_vcard(text, "x.vcf")


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        read_vcard(tmp_path / "none.vcf")


def test_card_without_name_is_skipped_with_a_reason():
    rows = parse_vcard("BEGIN:VCARD\nVERSION:3.0\nEMAIL:x@example.com\nEND:VCARD\n")
    assert rows[0].problem == "no name on the card"


# -- properties: our own escaping and folding, read back by the library ---------------------------
def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def fold(line: str, cuts: list[int]) -> str:
    """Fold a content line at the given character offsets (RFC 6350: CRLF then one space)."""
    out, last = [], 0
    for cut in sorted({c % max(len(line), 1) for c in cuts if c % max(len(line), 1) > 0}):
        out.append(line[last:cut])
        last = cut
    out.append(line[last:])
    return "\r\n ".join(out)


text_value = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@given(
    cards=st.lists(
        st.tuples(text_value, text_value, st.lists(st.integers(1, 200), max_size=4)),
        min_size=1,
        max_size=5,
    ),
    version=st.sampled_from(["3.0", "4.0"]),
)
def test_any_names_survive_folding_and_escaping(cards, version):
    parts = []
    for name, company, cuts in cards:
        lines = [
            "BEGIN:VCARD",
            f"VERSION:{version}",
            fold(f"FN:{escape(name)}", cuts),
            fold(f"ORG:{escape(company)}", cuts),
            "END:VCARD",
        ]
        parts.append("\r\n".join(lines))
    rows = parse_vcard("\r\n".join(parts) + "\r\n")
    assert [r.fields["name"] for r in rows] == [n for n, _, _ in cards]
    assert [r.fields["company"] for r in rows] == [c for _, c, _ in cards]


# -- hostile cards (issue 11) ---------------------------------------------------------------------


def test_a_huge_photo_is_skipped_unread():
    import tracemalloc

    lines = "".join(" " + "B" * 74 + "\r\n" for _ in range(200_000))  # a 15 MB photo
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jo Smith\r\nitem1.PHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n"
        + lines
        + "EMAIL:jo@example.com\r\nEND:VCARD\r\n"
    )
    tracemalloc.start()
    try:
        rows = parse_vcard(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rows[0].fields == {"name": "Jo Smith", "email": "jo@example.com"}
    assert peak < len(text) // 4  # the photo is never copied


def test_nested_cards_are_refused_in_one_line():
    text = "BEGIN:VCARD\r\n" * 5000 + "END:VCARD\r\n" * 5000
    with pytest.raises(InputError, match="card inside a card at line 2") as caught:
        parse_vcard(text)
    assert "\n" not in str(caught.value)


def test_a_field_too_long_is_refused():
    note = "NOTE:" + "x" * 70 + "\r\n" + "".join(" " + "y" * 74 + "\r\n" for _ in range(5000))
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jo\r\n" + note + "END:VCARD\r\n"
    with pytest.raises(InputError, match="over 256 KB"):
        parse_vcard(text)
