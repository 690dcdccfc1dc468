"""`opening add --from`: schema.org JobPosting from saved pages of each board's shape, and from a
real HTTP server on 127.0.0.1 serving the same pages (timeout, size cap, schemes)."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rebound_test_helpers import assert_one_line_error, digest

from rebound_tui.io import InputError
from rebound_tui.io import fetch as fetch_mod
from rebound_tui.io.jobposting import Posting, find_posting, parse_page

POSTINGS = Path(__file__).parent / "fixtures" / "postings"

EXPECTED = {
    "greenhouse.html": Posting(
        title="Senior Accountant & Close Lead",
        company="Northshore Logistics",
        location="Evanston, IL, US",
        url="https://boards.greenhouse.io/northshorelogistics/jobs/4417023006",
        posted_on="2026-11-20",
        deadline="2026-12-31",
    ),
    "lever.html": Posting(
        title="Plant Controller",
        company="Lindenwood Foods",
        location="Waukegan, IL; Kenosha, WI",
        url="https://jobs.lever.co/lindenwood/8c1f7a2e-55b4-4f0e-a0d1-3b2f6e9d1c44",
        posted_on="2026-11-24",
        deadline=None,
    ),
    "workday.html": Posting(
        title="Finance Manager, FP&A",
        company="Harborview Health System",
        location="Chicago, Illinois, United States of America",
        url="https://harborview.wd5.myworkdayjobs.com/en-US/Careers/job/Chicago-IL/"
        "Finance-Manager--FP-A_R-0042187",
        posted_on="2026-11-18",
        deadline="2026-12-15",
    ),
    "linkedin.html": Posting(
        title="Assistant Controller",
        company="Gable & Finch",
        location="Milwaukee, WI, US",
        url="https://www.linkedin.com/jobs/view/assistant-controller-at-gable-finch-4078123456",
        posted_on="2026-11-25",
        deadline="2026-12-25",
    ),
    "indeed.html": Posting(
        title="Staff Accountant (Remote)",
        company="Birchline Software",
        location="Remote",
        url="https://www.indeed.com/viewjob?jk=5a9c3e1f0b7d2e44",
        posted_on="2026-11-26",
        deadline="2026-12-10",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_boards_page_shape_gives_its_posting(name: str):
    text = (POSTINGS / name).read_text(encoding="utf-8")
    assert parse_page(text, name) == EXPECTED[name]


def test_a_page_without_a_job_posting_says_so():
    text = (POSTINGS / "search-results.html").read_text(encoding="utf-8")
    with pytest.raises(InputError, match="no job posting"):
        parse_page(text, "search-results.html")
    with pytest.raises(InputError, match="no JSON-LD at all"):
        parse_page("<html><body><h1>Controller</h1></body></html>", "plain.html")


def test_hostile_text_is_cleaned_to_one_line_without_control_characters():
    posting = parse_page((POSTINGS / "hostile.html").read_text(encoding="utf-8"), "h")
    for value in (posting.title, posting.company, posting.location):
        assert value
        assert "\n" not in value and "\r" not in value
        assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value)
        assert "\u202e" not in value and "\x00" not in value
    assert "alert(1)" not in posting.title  # a script tag inside the value is dropped
    assert posting.title.startswith("[/]Boss [@click=app.quit]Controller")  # kept as data
    assert posting.url is None  # javascript: is not an address
    assert posting.posted_on is None  # 'not a date'


def test_nested_and_typed_as_a_list_and_bare_json():
    data = {
        "@graph": [{"@type": "WebSite"}, {"x": [{"@type": ["Thing", "JobPosting"], "title": "A"}]}]
    }
    assert find_posting(data) == {"@type": ["Thing", "JobPosting"], "title": "A"}
    bare = json.dumps({"@type": "JobPosting", "title": "B", "hiringOrganization": "Co"})
    assert parse_page(bare, "x.json") == Posting(title="B", company="Co")


def test_raw_newlines_in_json_strings_and_html_comments_are_tolerated():
    page = (
        '<script type="application/ld+json"><!--\n{"@type":"JobPosting","title":"Line\none",'
        '"hiringOrganization":{"name":"Acme"}}\n--></script>'
    )
    assert parse_page(page, "p") == Posting(title="Line one", company="Acme")


# -- a real HTTP server on 127.0.0.1 ----------------------------------------------------------
class _Handler(http.server.BaseHTTPRequestHandler):
    slow = threading.Event()

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/slow":
            self.slow.wait(5)  # longer than the client's timeout in the test
            body = b"late"
        elif self.path == "/huge":
            body = b"<html>" + b"x" * (300 * 1024)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no Content-Length: the cap must hold while reading
            with contextlib.suppress(OSError):
                self.wfile.write(body)
            return
        elif self.path in ("/redirect-file", "/redirect-ftp"):
            self.send_response(302)
            where = "file:///etc/passwd" if self.path.endswith("file") else "ftp://127.0.0.1/x"
            self.send_header("Location", where)
            self.end_headers()
            return
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/greenhouse.html")
            self.end_headers()
            return
        else:
            page = POSTINGS / self.path.lstrip("/")
            if not page.is_file() or page.parent != POSTINGS:
                self.send_error(404, "Not Found")
                return
            body = page.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.slow.clear()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        _Handler.slow.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fetching_each_boards_page_from_a_local_server(server: str, name: str):
    text, url = fetch_mod.read_page(f"{server}/{name}")
    assert url == f"{server}/{name}"
    assert parse_page(text, url, url) == EXPECTED[name]


def test_a_posting_without_url_takes_the_address_it_was_fetched_from(server: str):
    text, url = fetch_mod.read_page(f"{server}/workday.html")
    page = text.replace('<link rel="canonical"', '<link rel="alternate"')
    assert parse_page(page, "w", url).url == f"{server}/workday.html"


def test_redirects_are_followed_on_http_only(server: str):
    assert "Northshore" in fetch_mod.fetch(f"{server}/moved")
    with pytest.raises(InputError, match="not allowed|only http"):
        fetch_mod.fetch(f"{server}/redirect-file")
    with pytest.raises(InputError, match="only http"):  # urllib itself would follow ftp://
        fetch_mod.fetch(f"{server}/redirect-ftp")


def test_fetch_times_out(server: str):
    with pytest.raises(InputError, match=r"no answer within 0.5 s"):
        fetch_mod.fetch(f"{server}/slow", timeout=0.5)


def test_fetch_refuses_a_page_over_the_size_cap(server: str):
    with pytest.raises(InputError, match="too large"):
        fetch_mod.fetch(f"{server}/huge", max_bytes=100 * 1024)
    with pytest.raises(InputError, match="too large"):  # told by Content-Length up front
        fetch_mod.fetch(f"{server}/greenhouse.html", max_bytes=100)
    assert fetch_mod.fetch(f"{server}/huge", max_bytes=400 * 1024).startswith("<html>")


@pytest.mark.parametrize(
    "address", ["file:///etc/passwd", "ftp://127.0.0.1/x.html", "https:///nohost", "data:,x"]
)
def test_only_http_and_https_addresses_are_fetched(address: str):
    with pytest.raises(InputError, match=r"http://|only http|no such file"):
        fetch_mod.read_page(address)


def test_http_errors_are_one_line(server: str):
    with pytest.raises(InputError, match="HTTP 404"):
        fetch_mod.fetch(f"{server}/missing.html")


# -- the command line ------------------------------------------------------------------------
def _seed(run_cli) -> None:
    assert run_cli("add", "company", "Northshore Logistics")[0] == 0
    assert run_cli("add", "contact", "Dana Boss", "--company", "Northshore Logistics", "--role",
                   "boss")[0] == 0  # fmt: skip


def test_cli_from_a_url_fills_the_opening_and_plans_the_referral_ask(run_cli, server: str):
    _seed(run_cli)
    code, out, err = run_cli("opening", "add", "--from", f"{server}/greenhouse.html")
    assert code == 0, err
    assert "added opening Senior Accountant & Close Lead at Northshore Logistics" in out
    assert "planned: Ask Dana Boss to refer you for Senior Accountant & Close Lead" in out
    code, out, _ = run_cli("list", "openings", "--json")
    (row,) = json.loads(out)
    assert row["location"] == "Evanston, IL, US"
    assert row["deadline"] == "2026-12-31"
    assert row["url"] == "https://boards.greenhouse.io/northshorelogistics/jobs/4417023006"


def test_cli_options_win_over_the_page(run_cli, data_path: Path):
    _seed(run_cli)
    code, out, err = run_cli(
        "opening", "add", "--from", str(POSTINGS / "greenhouse.html"), "northshore logistics",
        "Close Lead", "--location", "Remote", "--deadline", "2026-12-20",
    )  # fmt: skip
    assert code == 0, err
    (row,) = json.loads(run_cli("list", "openings", "--json")[1])
    assert (row["title"], row["location"], row["deadline"]) == (
        "Close Lead",
        "Remote",
        "2026-12-20",
    )


def test_cli_company_not_in_the_bullpen_is_an_error_with_close_matches(run_cli, data_path: Path):
    run_cli("add", "company", "Gable and Finch")
    before = digest(data_path)
    code, _, err = run_cli("opening", "add", "--from", str(POSTINGS / "linkedin.html"))
    assert code == 2
    assert_one_line_error(err, "Gable & Finch", "not in the bullpen", "Gable and Finch",
                          "--add-company")  # fmt: skip
    assert digest(data_path) == before
    code, out, err = run_cli(
        "opening", "add", "--from", str(POSTINGS / "linkedin.html"), "--add-company"
    )
    assert code == 0, err
    assert "at Gable & Finch" in out
    assert "Gable & Finch" in run_cli("list", "companies")[1]


def test_cli_page_company_matches_ignoring_case(run_cli):
    run_cli("add", "company", "LINDENWOOD foods")
    code, out, err = run_cli("opening", "add", "--from", str(POSTINGS / "lever.html"))
    assert code == 0, err
    assert "at LINDENWOOD foods" in out


@pytest.mark.parametrize(
    ("page", "needle"),
    [
        ("search-results.html", "no job posting"),
        ("missing.html", "no such file"),
    ],
)
def test_cli_bad_pages_exit_2_with_the_file_untouched(run_cli, data_path, page, needle):
    _seed(run_cli)
    before = digest(data_path)
    code, _, err = run_cli("opening", "add", "--from", str(POSTINGS / page))
    assert code == 2
    assert_one_line_error(err, needle)
    assert digest(data_path) == before


def test_cli_http_error_exits_2_with_the_file_untouched(run_cli, data_path, server):
    _seed(run_cli)
    before = digest(data_path)
    code, _, err = run_cli("opening", "add", "--from", f"{server}/missing.html")
    assert code == 2
    assert_one_line_error(err, "HTTP 404")
    assert digest(data_path) == before


def test_cli_hostile_page_is_stored_as_clean_data(run_cli, data_path):
    code, out, err = run_cli(
        "opening", "add", "--from", str(POSTINGS / "hostile.html"), "--add-company"
    )
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    (row,) = json.loads(run_cli("list", "openings", "--json")[1])
    assert row["title"].startswith("[/]Boss [@click=app.quit]Controller")
    assert row["company"] == "[bold]Evil Co Injected: yes"
    raw = data_path.read_text(encoding="utf-8")
    assert "\\u001b" not in raw and "\\u0007" not in raw and "\\u0000" not in raw
