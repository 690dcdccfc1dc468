"""`rebound-tui import mail PATH...`: mail files become email interactions (issue 17).

Fixture mailboxes are built here (mail_fixtures.py): multipart messages, encoded words in UTF-8
and ISO-8859-1, a Date near midnight in another zone, missing Message-IDs, duplicates, a message
to several contacts, malformed ones, and the mbox / Maildir / .eml / Apple Mail layouts.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from conftest import assert_one_line_error, snapshot
from mail_fixtures import ME, apple_mbox, eml_folder, emlx, maildir, mbox, message

from rebound_tui.domain.mail import interaction_id
from rebound_tui.domain.merge import merge_databases
from rebound_tui.service import Service


def ok(run_cli, *args) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, (args, out, err)
    assert err == "", err
    return out


def interactions(run_cli) -> list[dict]:
    return json.loads(ok(run_cli, "list", "interactions", "--json"))


def by_id(run_cli) -> dict[str, dict]:
    return {i["id"]: i for i in interactions(run_cli)}


@pytest.fixture
def network(run_cli, data_path: Path) -> Path:
    ok(run_cli, "add", "company", "Glenview Freight", "--website", "https://www.glenview.example/")
    ok(run_cli, "add", "company", "Skokie Labs")
    ok(
        run_cli,
        "add",
        "contact",
        "Jane Boss",
        "--company",
        "Glenview Freight",
        "--email",
        "Jane@Glenview.example",
        "--role",
        "boss",
    )
    ok(
        run_cli,
        "add",
        "contact",
        "Sam Peer",
        "--company",
        "Skokie Labs",
        "--email",
        "sam@skokie.example",
    )
    return data_path


def test_outgoing_and_incoming_messages_are_logged_with_direction_topic_and_message_id(
    run_cli, network, tmp_path
):
    box = mbox(
        tmp_path / "Sent.mbox",
        [
            message(subject="Thank you for Tuesday", message_id="<a1@home.example>"),
            message(
                sender="Jane Boss <JANE@glenview.example>",
                to=ME,
                subject="Re: Thank you for Tuesday",
                date="Fri, 27 Nov 2026 09:00:00 -0600",
                message_id="<b2@glenview.example>",
            ),
            message(to="stranger@elsewhere.example", subject="unrelated"),
        ],
    )
    out = ok(run_cli, "import", "mail", box, "--me", ME)
    assert "read 3, matched 2, logged 2, already known 0, skipped 0" in out
    rows = sorted(interactions(run_cli), key=lambda i: i["day"])
    assert [(r["kind"], r["day"], r["direction"]) for r in rows] == [
        ("email", "2026-11-26", "out"),
        ("email", "2026-11-27", "in"),
    ]
    assert rows[0]["topic"] == "Thank you for Tuesday"
    assert rows[0]["message_id"] == "a1@home.example"
    assert rows[1]["message_id"] == "b2@glenview.example"
    assert rows[0]["id"] == interaction_id("mid:a1@home.example")
    assert all(r["note"] is None for r in rows)  # bodies are never stored
    text = ok(run_cli, "list", "interactions")
    assert "email out" in text and "Thank you for Tuesday" in text
    report = ok(run_cli, "export", "markdown", "-")
    assert (
        "- 2026-11-26 email sent with Jane Boss, Glenview Freight: Thank you for Tuesday" in report
    )
    jane = next(
        c for c in json.loads(ok(run_cli, "list", "contacts", "--json")) if c["name"] == "Jane Boss"
    )
    assert {r["contact_id"] for r in rows} == {jane["id"]}
    assert {r["company_id"] for r in rows} == {jane["company_id"]}


def test_encoded_words_in_utf8_and_latin1_and_multipart_bodies(run_cli, network, tmp_path):
    box = mbox(
        tmp_path / "in.mbox",
        [
            message(subject="=?UTF-8?B?WsO2ZSdzIGludGVydmlldyDinJM=?=", multipart=True),
            message(
                subject="=?ISO-8859-1?Q?R=E9union_=E0_Gen=E8ve?=",
                sender="=?iso-8859-1?q?Jos=E9?= <jane@glenview.example>",
                to=ME,
            ),
        ],
    )
    ok(run_cli, "import", "mail", box, "--me", ME)
    topics = sorted(i["topic"] for i in interactions(run_cli))
    assert topics == ["Réunion à Genève", "Zöe's interview ✓"]


def test_the_local_day_of_the_date_counts(run_cli, network, tmp_path, monkeypatch):
    # 23:30 in Los Angeles on the 24th is 01:30 on the 25th in Chicago (the user's zone).
    box = mbox(
        tmp_path / "late.mbox",
        [
            message(date="Tue, 24 Nov 2026 23:30:00 -0800", subject="late"),
            message(date="Wed, 25 Nov 2026 01:00:00 +0200", subject="early"),
        ],
    )
    ok(run_cli, "import", "mail", box, "--me", ME)
    days = {i["topic"]: i["day"] for i in interactions(run_cli)}
    assert days == {"late": "2026-11-25", "early": "2026-11-24"}


def test_duplicates_and_reimports_are_logged_once(run_cli, network, tmp_path):
    same = message(message_id="<dup@home.example>", subject="twice in one file")
    no_id = message(message_id=None, subject="no id")
    box = mbox(tmp_path / "a.mbox", [same, same, no_id, no_id])
    out = ok(run_cli, "import", "mail", box, "--me", ME)
    assert "matched 4, logged 2, already known 2" in out
    before = snapshot(network)
    out = ok(run_cli, "import", "mail", box, "--me", ME)
    assert "logged 0, already known 4" in out
    assert snapshot(network) == before  # nothing new: the file is not even rewritten
    assert len(interactions(run_cli)) == 2
    # The same message in another layout is still the same message.
    folder = eml_folder(tmp_path / "emls", [same, no_id])
    assert "logged 0, already known 2" in ok(run_cli, "import", "mail", folder, "--me", ME)


def test_one_message_to_several_contacts_is_one_interaction_with_each(run_cli, network, tmp_path):
    box = mbox(
        tmp_path / "a.mbox",
        [message(to="jane@glenview.example, Sam <sam@skokie.example>", cc="someone@x.example")],
    )
    ok(run_cli, "import", "mail", box, "--me", ME)
    [row] = interactions(run_cli)
    people = {c["name"]: c["id"] for c in json.loads(ok(run_cli, "list", "contacts", "--json"))}
    assert row["contact_id"] == people["Jane Boss"]
    assert row["with_ids"] == [people["Sam Peer"]]


def test_malformed_messages_are_skipped_and_counted(run_cli, network, tmp_path):
    box = mbox(
        tmp_path / "bad.mbox",
        [
            message(date="not a date"),
            message(date=None),
            message(subject="=?x-no-such-charset?q?abc?="),
            message(subject="=?utf-8?b?/w==?="),  # bytes that are not UTF-8
            message(to=None),
            message(subject="fine"),
            b"garbage without headers at all",
        ],
    )
    out = ok(run_cli, "import", "mail", box, "--me", ME)
    assert "read 7, matched 1, logged 1" in out
    assert "skipped 6" in out
    assert "3 broken or missing Date" in out  # the garbage has no Date either
    assert "2 undecodable header" in out
    assert "no recipients" in out
    assert [i["topic"] for i in interactions(run_cli)] == ["fine"]


def test_hostile_subjects_are_stored_as_one_line_of_data(run_cli, network, tmp_path):
    box = mbox(
        tmp_path / "h.mbox",
        [
            message(subject="[@click=app.quit]x [/]"),
            message(subject="=?utf-8?q?evil=1B]0;x=07title=0Anext?="),
        ],
    )
    out = ok(run_cli, "import", "mail", box, "--me", ME)
    assert "\x1b" not in out
    topics = sorted(i["topic"] for i in interactions(run_cli))
    assert topics == ["[@click=app.quit]x [/]", "evil]0;xtitle next"]


def test_every_layout_is_read(run_cli, network, tmp_path):
    msgs = [message(subject=f"layout {n}") for n in range(6)]
    md = maildir(tmp_path / "Maildir", msgs[:1])
    maildir(md / ".Sent", msgs[1:2], sub="new")  # a Maildir++ sub-folder
    (md / "tmp" / "1700000009.x.host").write_bytes(message(subject="being delivered"))
    apple = apple_mbox(tmp_path / "Work.mbox", msgs[2:3])
    single = tmp_path / "one.eml"
    single.write_bytes(msgs[3])
    apple_own = emlx(tmp_path / "123.emlx", msgs[4])
    thunderbird = mbox(tmp_path / "Inbox", msgs[5:6])  # Thunderbird: no extension
    out = ok(run_cli, "import", "mail", md, apple, single, apple_own, thunderbird, "--me", ME)
    assert "read 6, matched 6, logged 6" in out
    assert sorted(i["topic"] for i in interactions(run_cli)) == [f"layout {n}" for n in range(6)]


def test_bad_paths_and_missing_addresses_are_one_line_errors(run_cli, network, tmp_path):
    before = snapshot(network)
    code, _, err = run_cli("import", "mail", tmp_path / "missing.mbox", "--me", ME)
    assert code == 2
    assert_one_line_error(err, "no such file")
    notmail = tmp_path / "notes.txt"
    notmail.write_text("hello\n")
    code, _, err = run_cli("import", "mail", notmail, "--me", ME)
    assert code == 2
    assert_one_line_error(err, "not a mailbox")
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run_cli("import", "mail", empty, "--me", ME)
    assert code == 2
    assert_one_line_error(err, "no mail in")
    code, _, err = run_cli("import", "mail", tmp_path / "x\x1b]0;t\x07.mbox", "--me", ME)
    assert code == 2
    assert_one_line_error(err, "no such file", "x]0;t.mbox")
    assert "\x1b" not in err
    box = mbox(tmp_path / "a.mbox", [message()])
    code, _, err = run_cli("import", "mail", box)
    assert code == 2
    assert_one_line_error(err, "--me", "settings")
    code, _, err = run_cli("import", "mail", box, "--me", "not-an-address")
    assert code == 2
    assert_one_line_error(err, "bad email")
    assert snapshot(network) == before


def test_my_addresses_setting_is_used_without_me(run_cli, network, tmp_path):
    from rebound_tui.mail_service import set_my_addresses

    service = Service.open(network)
    set_my_addresses(service, [ME.upper()])
    service.save()
    box = mbox(tmp_path / "a.mbox", [message()])
    ok(run_cli, "import", "mail", box)
    assert [i["direction"] for i in interactions(run_cli)] == ["out"]


def test_dry_run_writes_nothing_and_since_filters(run_cli, network, tmp_path):
    box = mbox(
        tmp_path / "a.mbox",
        [message(date="Mon, 02 Nov 2026 10:00:00 -0600"), message(subject="recent")],
    )
    before = snapshot(network)
    out = ok(run_cli, "import", "mail", box, "--me", ME, "--dry-run")
    assert "dry run" in out and "logged 2" in out
    assert snapshot(network) == before
    out = ok(run_cli, "import", "mail", box, "--me", ME, "--since", "2026-11-20")
    assert "logged 1" in out and "1 before --since" in out
    assert [i["topic"] for i in interactions(run_cli)] == ["recent"]
    # A span counts back from today (2026-11-27): 30d is 2026-10-28, so both are in.
    assert "logged 1, already known 1" in ok(
        run_cli, "import", "mail", box, "--me", ME, "--since", "30d"
    )
    code, _, err = run_cli("import", "mail", box, "--me", ME, "--since", "someday")
    assert code == 2
    assert_one_line_error(err, "bad date")


def test_a_sent_thank_you_marks_the_follow_up_done_even_when_the_rejection_is_recorded_late(
    run_cli, network, tmp_path
):
    # The thank-you went out on the 26th; the import runs first.
    box = mbox(
        tmp_path / "Sent",
        [message(subject="Thanks for your time", date="Thu, 26 Nov 2026 10:00:00 -0600")],
    )
    ok(run_cli, "import", "mail", box, "--me", ME)
    # The rejection of the 25th is recorded afterwards: it plans a thank-you due the 26th.
    ok(run_cli, "reject", "Glenview Freight", "--on", "2026-11-25", "--boss", "Jane Boss")
    open_before = json.loads(ok(run_cli, "list", "follow-ups", "--json"))
    thank = [f for f in open_before if f["kind"] == "thank-you"]
    assert len(thank) == 1
    # The next import knows the message already, and still matches it with the thank-you.
    out = ok(run_cli, "import", "mail", box, "--me", ME)
    assert "already known 1" in out
    assert f"done: {thank[0]['title']} (Jane Boss), by your email of 2026-11-26" in out
    done = {f["id"]: f for f in json.loads(ok(run_cli, "list", "follow-ups", "--all", "--json"))}
    assert done[thank[0]["id"]]["status"] == "done"
    assert done[thank[0]["id"]]["closed_on"] == "2026-11-26"
    email = interactions(run_cli)
    linked = [i for i in email if i["kind"] == "email"]
    assert linked[0]["follow_up_id"] == thank[0]["id"]
    # One email does one follow-up: the referral ask planned by the same rejection stays open.
    still = {f["kind"] for f in json.loads(ok(run_cli, "list", "follow-ups", "--json"))}
    assert "referral-ask" in still


def test_received_mail_and_mail_before_the_event_do_not_complete_follow_ups(
    run_cli, network, tmp_path
):
    ok(run_cli, "reject", "Glenview Freight", "--on", "2026-11-25", "--boss", "Jane Boss")
    box = mbox(
        tmp_path / "a",
        [
            message(date="Tue, 24 Nov 2026 10:00:00 -0600", subject="before"),
            message(sender="jane@glenview.example", to=ME, subject="from her"),
        ],
    )
    out = ok(run_cli, "import", "mail", box, "--me", ME)
    assert "done:" not in out
    kinds = [f["kind"] for f in json.loads(ok(run_cli, "list", "follow-ups", "--json"))]
    assert "thank-you" in kinds


def test_cadences_are_retimed_by_imported_mail(run_cli, network, tmp_path):
    ok(run_cli, "edit", "contact", "Sam Peer", "--cadence", "30d")
    [check] = [
        f
        for f in json.loads(ok(run_cli, "list", "follow-ups", "--json"))
        if f["kind"] == "check-in"
    ]
    assert check["due"] == "2026-12-27"  # never touched: counted from the day added (1m)
    box = mbox(
        tmp_path / "a", [message(to="sam@skokie.example", date="Thu, 26 Nov 2026 10:00:00 -0600")]
    )
    out = ok(run_cli, "import", "mail", box, "--me", ME)
    assert "check-ins re-timed: 1" in out
    [check] = [
        f
        for f in json.loads(ok(run_cli, "list", "follow-ups", "--json"))
        if f["kind"] == "check-in"
    ]
    assert check["due"] == "2026-12-26"


def test_people_at_bullpen_domains_are_reported_and_added_on_request(run_cli, network, tmp_path):
    box = mbox(
        tmp_path / "a",
        [
            message(to="Mark Liu <mark@glenview.example>", subject="intro"),
            message(sender="=?utf-8?q?Mark_Li=C3=BC?= <mark@mail.glenview.example>", to=ME),
            message(to="nobody@unrelated.example"),
        ],
    )
    out = ok(run_cli, "import", "mail", box, "--me", ME, "--dry-run")
    assert "people at bullpen companies you exchanged mail with (2" in out
    assert "Mark Liu <mark@glenview.example> at Glenview Freight: 1 message(s)" in out
    out = ok(run_cli, "import", "mail", box, "--me", ME, "--add-people")
    assert "people added (2)" in out
    people = {c["email"]: c for c in json.loads(ok(run_cli, "list", "contacts", "--json"))}
    assert people["mark@glenview.example"]["name"] == "Mark Liu"
    assert people["mark@mail.glenview.example"]["name"] == "Mark Liü"
    assert "logged 2" in out
    # Adding them again is a no-op: same ids from the same addresses.
    again = ok(run_cli, "import", "mail", box, "--me", ME, "--add-people")
    assert "people added" not in again and "logged 0" in again


def test_one_undo_takes_the_whole_import_back(network, tmp_path, today):
    box = mbox(tmp_path / "a", [message(subject=f"m{n}") for n in range(5)])
    from rebound_tui.io.mail import read_messages, sources
    from rebound_tui.mail_service import import_mail

    service = Service.open(network)
    summary = import_mail(service, read_messages(sources([box])), me=[ME], source="a")
    assert summary.logged == 5
    assert len(service.interactions()) == 5
    assert service.last_action == "import mail from a: 5 email(s) logged"
    service.undo()
    assert service.interactions() == []


def test_a_failing_read_writes_nothing(network, tmp_path, today):
    from rebound_tui.io.mail import parse_headers
    from rebound_tui.mail_service import import_mail

    def messages():
        yield parse_headers(message(subject="first").partition(b"\n\n")[0])
        raise OSError("disk went away")

    service = Service.open(network)
    with pytest.raises(OSError):
        import_mail(service, messages(), me=[ME], source="x")
    assert service.interactions() == []
    assert not service.can_undo


def test_two_machines_importing_the_same_mailbox_end_up_with_one_interaction(
    run_cli, network, tmp_path, monkeypatch
):
    other = tmp_path / "laptop.json"
    other.write_bytes(network.read_bytes())
    box = mbox(tmp_path / "a", [message(subject="one"), message(message_id=None, subject="two")])
    ok(run_cli, "import", "mail", box, "--me", ME)
    monkeypatch.setenv("REBOUND_DB", str(other))
    ok(run_cli, "import", "mail", box, "--me", ME)
    merged = merge_databases(orjson.loads(network.read_bytes()), orjson.loads(other.read_bytes()))
    live = [d for d in merged["interactions"].values() if "_deleted" not in d]
    assert len(live) == 2
    assert sorted(d["topic"] for d in live) == ["one", "two"]


def test_a_deleted_email_is_not_brought_back_by_a_reimport(run_cli, network, tmp_path):
    box = mbox(tmp_path / "a", [message(subject="delete me")])
    ok(run_cli, "import", "mail", box, "--me", ME)
    [row] = interactions(run_cli)
    service = Service.open(network)
    service.delete_interaction(row["id"])
    service.save()
    out = ok(run_cli, "import", "mail", box, "--me", ME)
    assert "already known 1" in out
    assert interactions(run_cli) == []


def test_a_header_block_without_end_is_skipped_with_flat_memory(run_cli, network, tmp_path):
    from rebound_tui.io.mail import MAX_HEADER_BYTES

    huge = message(extra="X-Junk: " + "a" * (MAX_HEADER_BYTES + 10))
    box = mbox(tmp_path / "a", [huge, message(subject="after")])
    out = ok(run_cli, "import", "mail", box, "--me", ME)
    assert "1 header block too long" in out
    assert [i["topic"] for i in interactions(run_cli)] == ["after"]
