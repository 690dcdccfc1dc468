"""LinkedIn's Connections.csv as it really comes: preamble, BOM, CRLF, quoted commas, blank rows,
old exports without URL, and the ZIP archive."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.io import InputError
from rebound_tui.io.linkedin import parse_connected_on, parse_linkedin, read_linkedin

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]


def by_name(rows):
    return {r.name: r for r in rows if not r.problem}


def test_real_shape_with_bom_crlf_preamble_quoted_commas_and_blank_rows():
    raw = (FIXTURES / "Connections.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfNotes:\r\n") and b"\r\n\r\n" in raw  # the fixture is real
    rows = read_linkedin(FIXTURES / "Connections.csv")
    people = by_name(rows)
    assert list(people) == [
        "Jennifer Walsh",
        "Julia Okafor",
        "Zoë Ångström-Nakamura",
        "Mark Liu",
        "Darlene Brooks",
    ]
    jen = people["Jennifer Walsh"].fields
    assert jen["company"] == "Glenview Freight, Inc."
    assert jen["title"] == "Controller"
    assert jen["linkedin"] == "https://www.linkedin.com/in/jennifer-walsh-4a1b2c"
    assert jen["met_how"] == "LinkedIn (connected 2024-03-12)"
    assert "email" not in jen  # empty cells are left out, never stored as ''
    assert people["Julia Okafor"].fields["email"] == "julia.okafor@example.com"
    assert people["Julia Okafor"].fields["title"] == "Director, Finance & Planning"
    assert people["Darlene Brooks"].fields["company"] == "Brooks, Hale & Partners"
    # The all-empty rows are not people; the row with only a date is skipped, with a reason.
    skipped = [r for r in rows if r.problem]
    assert len(skipped) == 1 and "name" in skipped[0].problem
    assert skipped[0].where == "line 11"


def test_long_preamble_with_line_breaks_in_quotes_lf_and_no_bom():
    rows = read_linkedin(FIXTURES / "Connections-long-preamble.csv")
    assert [r.name for r in rows] == ["Jennifer Walsh", "Sam Reyes"]
    assert rows[1].fields["company"] == "Acme, Inc."


def test_older_export_without_url_column():
    rows = read_linkedin(FIXTURES / "Connections-no-url.csv")
    assert [r.name for r in rows if not r.problem] == ["Jennifer Walsh", "Mark Liu"]
    assert all("linkedin" not in r.fields for r in rows)
    assert rows[0].fields["email"] == "jennifer.walsh@example.com"
    assert rows[0].fields["company"] == "Glenview Freight, Inc."


def test_zip_archive_as_linkedin_sends_it(tmp_path: Path):
    archive = tmp_path / "Basic_LinkedInDataExport_03-12-2024.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Profile.csv", "First Name,Last Name\r\nMe,Myself\r\n")
        z.writestr("messages.csv", "CONVERSATION ID,FROM\r\n1,x\r\n")
        z.write(FIXTURES / "Connections.csv", "Connections.csv")
    direct = read_linkedin(FIXTURES / "Connections.csv")
    assert read_linkedin(archive) == direct


def test_zip_with_connections_in_a_folder(tmp_path: Path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(FIXTURES / "Connections-no-url.csv", "Complete_LinkedInDataExport/Connections.csv")
    assert [r.name for r in read_linkedin(archive) if not r.problem] == [
        "Jennifer Walsh",
        "Mark Liu",
    ]


def test_zip_without_connections_is_bad_input(tmp_path: Path):
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("cat.txt", "meow")
    with pytest.raises(InputError, match="without Connections.csv"):
        read_linkedin(archive)


def test_broken_zip_is_bad_input(tmp_path: Path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(InputError, match="ZIP"):
        read_linkedin(archive)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Name,Email\nJane,j@x.org\n",
        'Notes:\n"First Name, Last Name, URL"\n',  # the names inside one quoted cell do not count
    ],
)
def test_not_a_linkedin_export(text: str):
    with pytest.raises(InputError, match="not a LinkedIn connections export"):
        parse_linkedin(text)


def test_missing_file_and_folder(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        read_linkedin(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="folder"):
        read_linkedin(tmp_path)


def test_not_utf8_says_where(tmp_path: Path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(b"First Name,Last Name\nA,B\nC,\xff\xfe\n")
    with pytest.raises(InputError, match="line 3"):
        read_linkedin(path)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("12 Mar 2024", "2024-03-12"),
        ("5 Nov 2021", "2021-11-05"),
        ("05 nov 2021", "2021-11-05"),
        ("12-Mar-24", "2024-03-12"),
        ("2024-03-12", "2024-03-12"),
        ("31 Feb 2024", None),
        ("12 Foo 2024", None),
        ("yesterday", None),
    ],
)
def test_connected_on(text: str, day: str | None):
    assert parse_connected_on(text) == day


def test_unparsed_date_is_kept_as_written():
    rows = parse_linkedin("First Name,Last Name,Connected On\nA,B,sometime in 2019\n")
    assert rows[0].fields["met_how"] == "LinkedIn (connected sometime in 2019)"


# -- properties --------------------------------------------------------------------------------
cell = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"), max_size=20
).map(str.strip)
person = st.tuples(
    cell.filter(bool), cell, st.sampled_from(["", "https://www.linkedin.com/in/x"]), cell, cell
)
preamble_line = st.one_of(
    st.just(""),
    st.just("Notes:"),
    cell.map(lambda t: '"' + t.replace('"', '""') + ',\n more, text"'),
)


@given(
    people=st.lists(person, max_size=8),
    preamble=st.lists(preamble_line, max_size=6),
    crlf=st.booleans(),
    bom=st.booleans(),
    blanks=st.integers(0, 3),
)
def test_any_preamble_line_ending_and_bom_gives_the_same_people(
    people, preamble, crlf, bom, blanks
):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(HEADER)
    for first, last, url, company, position in people:
        writer.writerow([first, last, url, "", company, position, "12 Mar 2024"])
        for _ in range(blanks):
            writer.writerow([""] * len(HEADER))
    nl = "\r\n" if crlf else "\n"
    text = ("\ufeff" if bom else "") + nl.join(preamble) + (nl if preamble else "") + out.getvalue()
    rows = parse_linkedin(text.encode("utf-8").decode("utf-8-sig"))
    assert [r.name for r in rows] == [" ".join(x for x in (p[0], p[1]) if x) for p in people]
    for row, (_, _, url, company, position) in zip(rows, people, strict=True):
        assert row.fields.get("company", "") == company
        assert row.fields.get("title", "") == position
        assert row.fields.get("linkedin", "") == url
