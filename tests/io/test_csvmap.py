"""Any CSV with --map: the map is checked against our fields and the file's columns; the dialect
is sniffed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.io import InputError
from rebound_tui.io.csvmap import MAP_FIELDS, auto_map, parse_csv, parse_map, read_csv, sniff

FIXTURES = Path(__file__).parent / "fixtures"


def test_parse_map():
    assert parse_map("name=Full Name, company=Org,email=E-mail") == {
        "name": "Full Name",
        "company": "Org",
        "email": "E-mail",
    }
    # A column with a comma is quoted; field names may use '-' like CLI options.
    assert parse_map('name=Name,"company=Company, Inc",met-how=How') == {
        "name": "Name",
        "company": "Company, Inc",
        "met_how": "How",
    }
    assert parse_map("first_name=Given,last_name=Family") == {
        "first_name": "Given",
        "last_name": "Family",
    }


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nme=Full Name", "bad --map field 'nme': use one of name, company"),
        ("name=A,name=B", "name is mapped twice"),
        ("name", "write FIELD=COLUMN"),
        ("name=", "write FIELD=COLUMN"),
        ("", "empty --map"),
        ("company=Org", "which column holds the name"),
    ],
)
def test_bad_maps(spec: str, message: str):
    with pytest.raises(InputError, match=message):
        parse_map(spec)


def test_every_field_is_listed_in_the_error():
    with pytest.raises(InputError) as info:
        parse_map("colour=Red")
    for field in MAP_FIELDS:
        assert field in str(info.value)


def test_semicolon_file_with_a_map():
    rows = read_csv(
        FIXTURES / "people-semicolon.csv",
        "name=Full Name,company=Org,email=E-mail,title=Job,notes=Notes",
    )
    assert [r.name for r in rows if not r.problem] == ["Jennifer Walsh", "Sam Reyes"]
    jen = rows[0].fields
    assert jen["company"] == "Glenview Freight, Inc."
    assert jen["notes"] == "Said: call me; anytime"  # a quoted delimiter stays in the cell
    assert rows[-1].problem == "no name" and rows[-1].where == "line 5"


def test_missing_column_lists_the_columns():
    with pytest.raises(InputError, match="no column 'Organisation'.*'Full Name', 'Org'"):
        read_csv(FIXTURES / "people-semicolon.csv", "name=Full Name,company=Organisation")


def test_bad_map_is_reported_before_the_file_is_read(tmp_path: Path):
    with pytest.raises(InputError, match="bad --map field"):
        read_csv(tmp_path / "does-not-exist.csv", "bogus=X")


def test_columns_match_case_insensitively():
    rows = parse_csv("FULL NAME,ORG\nJane Roe,Acme\n", parse_map("name=full name,company=org"))
    assert rows[0].fields == {"name": "Jane Roe", "company": "Acme"}


def test_first_and_last_name_are_joined():
    rows = parse_csv(
        "Given\tFamily\nJane\tRoe\n\tOnly\n", parse_map("first_name=Given,last_name=Family")
    )
    assert [r.name for r in rows] == ["Jane Roe", "Only"]


def test_without_a_map_columns_named_like_fields_are_used():
    assert auto_map(["Full Name", "Organization", "Job Title", "E-mail", "Other"]) == {
        "name": "Full Name",
        "company": "Organization",
        "title": "Job Title",
        "email": "E-mail",
    }
    rows = parse_csv("name,company,linkedin\nJane Roe,Acme,https://linkedin.com/in/jr\n")
    assert rows[0].fields["linkedin"] == "https://linkedin.com/in/jr"
    with pytest.raises(InputError, match="give --map"):
        parse_csv("Colour,Size\nred,XL\n")


def test_roles_are_lowercased():
    rows = parse_csv("name,role\nJane,Recruiter\n")
    assert rows[0].fields["role"] == "recruiter"


def test_empty_file():
    with pytest.raises(InputError, match="empty"):
        parse_csv("\n\n", {"name": "Name"})


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b\n1,2\n", ","),
        ("a;b\n1;2\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("a|b\n1|2\n", "|"),
        ('Name, Title;Org\n"Roe, J";Acme\n', ";"),  # commas inside cells do not fool it
        ("Name\nJane\n", ","),  # one column: Excel's default
    ],
)
def test_sniff(text: str, delimiter: str):
    dialect = sniff(text)
    assert dialect.delimiter == delimiter
    assert dialect.doublequote  # "" inside quotes stays a quote


# -- property: whatever the delimiter and the cell contents, the cells come back ----------------
cell = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"), max_size=15
).map(str.strip)


@given(
    delimiter=st.sampled_from([",", ";", "\t"]),
    rows=st.lists(st.tuples(cell.filter(bool), cell, cell), min_size=1, max_size=12),
)
def test_cells_round_trip_through_any_dialect(delimiter, rows):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Full Name", "Org", "Mail"])
    writer.writerows(rows)
    parsed = parse_csv(out.getvalue(), parse_map("name=Full Name,company=Org,notes=Mail"))
    assert [
        (r.fields["name"], r.fields.get("company", ""), r.fields.get("notes", "")) for r in parsed
    ] == rows
