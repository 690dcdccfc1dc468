"""The playbook through the service: triggers and timings, idempotence, undo, rules and templates
stored in the data file, drafts filled from the data. Dates are frozen at 2026-11-27."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui.domain import cadence
from rebound_tui.domain.dates import Span
from rebound_tui.domain.drafts import DEFAULT_TEMPLATES
from rebound_tui.domain.model import FollowUp
from rebound_tui.domain.playbook import DEFAULT_RULES, Rule, parse_origin, rule_to_dict
from rebound_tui.service import Service, ServiceError

TODAY = dt.date(2026, 11, 27)


def open_service(path: Path) -> Service:
    return Service.open(path, today=lambda: TODAY)


@pytest.fixture
def svc(tmp_path: Path) -> Service:
    s = open_service(tmp_path / "rebound.json")
    s.add_company("Acme", location="Glenview, IL")
    s.add_contact("Darlene Smith", company="Acme", role="boss", email="darlene@acme.example")
    s.add_contact("Mark Jones", company="Acme", role="peer")
    s.add_contact("Susan Lee", company="Acme", role="hr")
    return s


def rows(svc: Service, include_closed: bool = False) -> list[tuple[str, str, str | None, str]]:
    """(due, kind, contact name, status) of the rule-made follow-ups, in due order."""
    return [
        (f.due, f.kind, svc.name_of("contacts", f.contact_id), f.status)
        for f in svc.follow_ups(include_closed=include_closed)
        if parse_origin(f.origin)
    ]


def by_rule(svc: Service, rule_id: str, include_closed: bool = True) -> list[FollowUp]:
    return [
        f
        for f in svc.follow_ups(include_closed=include_closed)
        if (o := parse_origin(f.origin)) and o.rule_id == rule_id
    ]


def reopen(svc: Service) -> Service:
    svc.save()
    return open_service(svc.path)


# -- interview -----------------------------------------------------------------------------------


def test_interview_thanks_each_interviewer_the_next_day(svc: Service):
    mark = svc.find_contact("Mark")
    svc.log("interview", contact="Darlene", with_ids=[mark.id], on="2026-11-20", round=3)
    assert rows(svc) == [
        ("2026-11-21", "thank-you", "Darlene Smith", "open"),
        ("2026-11-21", "thank-you", "Mark Jones", "open"),
    ]
    f = svc.follow_ups()[0]
    assert f.company_id == svc.find_company("Acme").id
    assert f.title == "Thank-you note to Darlene Smith for the interview"


def test_interview_with_only_a_company_thanks_the_company(svc: Service):
    svc.log("interview", company="Acme")
    assert rows(svc) == [("2026-11-28", "thank-you", None, "open")]


def test_applying_the_rules_twice_never_duplicates(svc: Service):
    i = svc.log("interview", contact="Darlene", on="2026-11-20")
    assert svc.apply_rules(i) == []
    assert svc.apply_rules(i.id) == []
    (f,) = svc.follow_ups()
    svc.complete(f)
    assert svc.apply_rules(i) == []  # a done one counts too
    assert len(by_rule(svc, "interview-thank-you")) == 1


def test_undo_of_the_log_removes_what_it_planned(svc: Service):
    before = reopen(svc).follow_ups(include_closed=True)
    svc.log("rejection", contact="Darlene", on="2026-11-20")
    assert len(svc.follow_ups()) == 6
    assert svc.undo() == "log rejection"
    assert svc.interactions() == [] and svc.follow_ups(include_closed=True) == before
    assert reopen(svc).follow_ups(include_closed=True) == []


def test_deleting_the_event_removes_its_open_follow_ups_only(svc: Service):
    i = svc.log("interview", contact="Darlene", with_ids=[svc.find_contact("Mark").id])
    done, _ = svc.complete(svc.follow_ups()[0])
    svc.delete_interaction(i.id)
    assert [f.id for f in svc.follow_ups(include_closed=True) if parse_origin(f.origin)] == [
        done.id
    ]
    assert svc.follow_ups() == []
    svc.undo()  # the delete, undone, brings both back
    assert len(by_rule(svc, "interview-thank-you")) == 2


# -- rejection -----------------------------------------------------------------------------------


def test_reject_runs_the_whole_game_plan(svc: Service):
    rec, created = svc.reject("Acme", on="2026-11-26", boss="Darlene")
    acme = svc.find_company("Acme")
    assert acme.stage == "rejected"
    assert (rec.kind, rec.day, rec.contact_id) == (
        "rejection",
        "2026-11-26",
        svc.find_contact("Darlene").id,
    )
    assert [(f.due, f.kind, f.contact_id is not None) for f in created] == [
        ("2026-11-27", "thank-you", True),
        ("2026-12-03", "referral-ask", True),
        ("2026-12-26", "check-in", True),
        ("2026-12-26", "news-check", False),
        ("2027-01-25", "check-in", True),
        ("2027-02-24", "check-in", True),
    ]
    assert all(f.company_id == acme.id for f in created)
    assert svc.last_action == "record a rejection (2026-11-26)"
    svc.undo()
    assert svc.find_company("Acme").stage == "watching"
    assert svc.follow_ups() == [] and svc.interactions() == []


def test_reject_finds_the_boss_by_role_when_not_named(svc: Service):
    rec, created = svc.reject("Acme")
    assert rec.contact_id == svc.find_contact("Darlene").id
    assert created[0].title == "Thank Darlene Smith for the interviews, even after the no"


def test_reject_with_two_bosses_and_no_name_plans_for_the_company(svc: Service):
    svc.add_contact("Bo Boss", company="Acme", role="boss")
    rec, created = svc.reject("Acme")
    assert rec.contact_id is None
    assert created[0].contact_id is None
    assert created[0].title == "Thank Acme for the interviews, even after the no"


def test_reject_with_an_unknown_boss_says_how_to_add_them(svc: Service):
    with pytest.raises(ServiceError, match="add contact NAME --company 'Acme' --role boss"):
        svc.reject("Acme", boss="Nobody Here")
    assert svc.interactions() == [] and svc.find_company("Acme").stage == "watching"


def test_logging_a_rejection_plans_too(svc: Service):
    svc.log("rejection", contact="Darlene", on="2026-11-20")
    assert [r[1] for r in rows(svc)][:2] == ["thank-you", "referral-ask"]


BOSS_RULES = (
    "rejection-thank-you",
    "rejection-referral-ask",
    "rejection-check-in-30",
    "rejection-check-in-60",
    "rejection-check-in-90",
)


def boss_plan(svc: Service) -> list[str | None]:
    """Whom each of the boss's steps of a rejection plan is for (names, None: the company)."""
    return [svc.name_of("contacts", f.contact_id) for r in BOSS_RULES for f in by_rule(svc, r)]


def test_a_rejection_passed_on_by_hr_plans_for_the_boss(svc: Service):
    """PLAYBOOK.md: the thank-you, the referral ask and the check-ins go to the boss. HR only
    passed the news on: the company's boss gets them, and counts as the boss from then on."""
    svc.log("rejection", contact="Susan Lee", on="2026-11-20")
    assert boss_plan(svc) == ["Darlene Smith"] * 5
    darlene = svc.find_contact("Darlene")
    assert svc.boss_of(svc.find_company("Acme").id) == darlene
    _co, hired = svc.record_hire("Acme", "Pat Doe", "2026-11-23")
    assert {f.contact_id for f in hired} == {darlene.id}


def test_reject_after_hr_passed_the_news_on_names_the_boss(svc: Service):
    svc.log("rejection", contact="Susan Lee", on="2026-11-20")  # for one role
    rec, created = svc.reject("Acme", on="2026-11-26")  # for another, no boss named
    assert rec.contact_id == svc.find_contact("Darlene").id
    assert {f.contact_id for f in created if f.contact_id} == {rec.contact_id}


def test_a_rejection_from_hr_with_no_boss_on_file_plans_for_hr(svc: Service):
    svc.edit_contact("Darlene", role="peer")
    svc.log("rejection", contact="Susan Lee", on="2026-11-20")
    assert boss_plan(svc) == ["Susan Lee"] * 5


def test_a_rejection_from_hr_with_two_bosses_plans_for_the_company(svc: Service):
    svc.add_contact("Bo Boss", company="Acme", role="boss")
    svc.log("rejection", contact="Susan Lee", on="2026-11-20")
    assert boss_plan(svc) == [None] * 5


def test_a_rejection_logged_with_the_boss_or_someone_without_a_role_plans_for_them(svc: Service):
    svc.add_contact("Nora Noname", company="Acme")
    svc.log("rejection", contact="Nora Noname", on="2026-11-20")
    assert boss_plan(svc) == ["Nora Noname"] * 5


def test_a_late_logged_rejection_skips_check_ins_that_a_later_one_replaces(svc: Service):
    svc.log("rejection", contact="Darlene", on="2026-09-01")
    check_ins = [r[0] for r in rows(svc) if r[1] == "check-in"]
    assert check_ins == ["2026-10-31", "2026-11-30"]  # the 30-day one (Oct 1) is skipped


# -- the news check repeats ------------------------------------------------------------------------


def test_the_monthly_news_check_repeats_from_the_day_it_was_done(svc: Service):
    svc.reject("Acme", on="2026-10-01", boss="Darlene")
    (check,) = by_rule(svc, "rejection-news-check")
    assert check.due == "2026-11-01"
    svc.complete(check, on="2026-11-27")
    (nxt,) = by_rule(svc, "rejection-news-check", include_closed=False)
    assert nxt.due == "2026-12-27" and parse_origin(nxt.origin).n == 1
    svc.undo()  # undoing the completion removes the next one too
    assert by_rule(svc, "rejection-news-check", include_closed=False)[0].id == check.id
    svc.complete(check)
    (nxt,) = by_rule(svc, "rejection-news-check", include_closed=False)
    svc.drop(nxt)  # dropping ends the series
    assert by_rule(svc, "rejection-news-check", include_closed=False) == []


def test_a_one_off_rule_does_not_repeat(svc: Service):
    svc.reject("Acme", boss="Darlene")
    (thanks,) = by_rule(svc, "rejection-thank-you")
    svc.complete(thanks)
    assert len(by_rule(svc, "rejection-thank-you")) == 1


# -- referral interviews -------------------------------------------------------------------------


def test_referral_interview_thanks_and_reaches_each_person_referred(svc: Service):
    owen = svc.add_contact("Owen Park", role="referral")
    svc.add_contact("Rita Vance", company="Acme", referred_by_name="Owen Park")
    tom = svc.add_contact("Tom Ode")
    svc.log("referral-interview", contact="Owen Park", with_ids=[tom.id], on="2026-11-25")
    assert rows(svc) == [
        ("2026-11-26", "thank-you", "Owen Park", "open"),
        ("2026-11-27", "outreach", "Rita Vance", "open"),
        ("2026-11-27", "outreach", "Tom Ode", "open"),
    ]
    rita = by_rule(svc, "referral-outreach")[0]
    assert rita.company_id == svc.find_company("Acme").id
    assert rita.title == "Reach out to Rita Vance, referred by Owen Park"
    assert owen.id not in {f.contact_id for f in by_rule(svc, "referral-outreach")}


def test_someone_added_after_the_meeting_still_gets_their_outreach(svc: Service):
    svc.add_contact("Owen Park")
    svc.log("referral-interview", contact="Owen Park", on="2026-11-25")
    rita = svc.add_contact("Rita Vance", referred_by_name="Owen Park")  # calls after_contact_saved
    created = [f for f in svc.follow_ups() if f.contact_id == rita.id]
    assert [(f.contact_id, f.due, f.kind) for f in created] == [(rita.id, "2026-11-27", "outreach")]
    assert svc.after_contact_saved(rita) == []  # applying it again never duplicates
    assert svc.after_contact_saved(rita) == []


def test_a_second_referral_interview_does_not_introduce_the_same_person_again(svc: Service):
    svc.add_contact("Owen Park")
    svc.add_contact("Rita Vance", referred_by_name="Owen Park")
    svc.log("referral-interview", contact="Owen Park", on="2026-10-01")
    svc.log("referral-interview", contact="Owen Park", on="2026-11-25")
    assert len(by_rule(svc, "referral-outreach")) == 1
    assert len(by_rule(svc, "referral-thank-you")) == 2


# -- news ---------------------------------------------------------------------------------------


def test_news_nudges_the_company_once_through_its_main_contact(svc: Service):
    svc.log("call", contact="Mark", on="2026-11-25")
    svc.log("news", company="Acme", on="2026-11-26", note="Won the Midwest freight contract")
    (nudge,) = by_rule(svc, "news-nudge")
    assert (nudge.due, nudge.kind) == ("2026-11-29", "outreach")
    assert nudge.contact_id == svc.find_contact("Darlene").id  # the boss first
    assert "Darlene Smith, Mark Jones, Susan Lee" in nudge.note
    assert nudge.title == "Reach out to Acme about the news: Won the Midwest freight contract"


# -- turnover watch ------------------------------------------------------------------------------


def test_turnover_watch_checks_in_at_30_60_90_days_then_yearly(svc: Service):
    svc.reject("Acme", on="2026-10-01", boss="Darlene")
    company, created = svc.record_hire("Acme", "Pat Quinn", started="2026-11-02")
    assert (company.hired_name, company.hired_started) == ("Pat Quinn", "2026-11-02")
    assert [(f.due, f.contact_id) for f in created] == [
        ("2026-12-02", svc.find_contact("Darlene").id),
        ("2027-01-01", svc.find_contact("Darlene").id),
        ("2027-01-31", svc.find_contact("Darlene").id),
        ("2027-11-02", svc.find_contact("Darlene").id),
    ]
    assert created[0].title == (
        "Turnover watch: check in with Darlene Smith (Pat Quinn started 30 days ago)"
    )
    assert svc.last_action == "turnover watch: Pat Quinn at Acme"
    _, again = svc.record_hire("Acme", "Pat Quinn", started="2026-11-02")
    assert again == []
    yearly = by_rule(svc, "turnover-yearly")[0]
    svc.core.today_source = lambda: dt.date(
        2027, 11, 10
    )  # a year on: done that day (not in the future)
    svc.complete(yearly, on="2027-11-10")
    assert [f.due for f in by_rule(svc, "turnover-yearly", include_closed=False)] == ["2028-11-10"]


def test_a_corrected_start_date_replaces_the_open_check_ins(svc: Service):
    svc.record_hire("Acme", "Pat Quinn", started="2026-11-02")
    first = by_rule(svc, "turnover-check-in-30")[0]
    svc.core.today_source = lambda: dt.date(2026, 12, 2)  # the check-in is done on its day
    svc.complete(first, on="2026-12-02")
    svc.record_hire("Acme", "Pat Quinn", started="2026-11-16")
    watch = [f for f in svc.follow_ups(include_closed=True) if "turnover" in (f.origin or "")]
    assert sorted((f.due, f.status) for f in watch) == [
        ("2026-12-02", "done"),  # done stays done
        ("2026-12-16", "open"),
        ("2027-01-15", "open"),
        ("2027-02-14", "open"),
        ("2027-11-16", "open"),
    ]


def test_record_hire_needs_a_name_and_a_start(svc: Service):
    with pytest.raises(ServiceError, match="who was hired"):
        svc.record_hire("Acme", " ", started="2026-11-02")
    with pytest.raises(ServiceError, match="when they started"):
        svc.record_hire("Acme", "Pat", started="")
    with pytest.raises(ServiceError, match="bad date"):
        svc.record_hire("Acme", "Pat", started="someday")
    assert svc.find_company("Acme").hired_name is None


# -- rules in the data file ----------------------------------------------------------------------


def test_rules_default_until_changed_then_stored_one_record_per_rule(svc: Service):
    assert svc.rules_are_default()
    assert {r.id for r in svc.rules()} == {r.id for r in DEFAULT_RULES}
    faster = [
        Rule(**{**r.__dict__, "offset": Span(3, "d")}) if r.id == "rejection-referral-ask" else r
        for r in svc.rules()
    ]
    svc.set_rules(faster)
    assert not svc.rules_are_default()
    raw = svc.db.raw("rules")
    assert set(raw) == {r.id for r in DEFAULT_RULES}
    assert (
        raw["rejection-referral-ask"]["offset"] == "3d" and "id" not in raw["rejection-thank-you"]
    )
    again = reopen(svc)
    assert again.rules() == svc.rules()
    _, created = again.reject("Acme", on="2026-11-20", boss="Darlene")
    assert [f.due for f in created if f.kind == "referral-ask"] == ["2026-11-23"]


def test_set_rules_accepts_the_json_form_and_refuses_bad_rules_whole(svc: Service):
    svc.set_rules([rule_to_dict(r) for r in DEFAULT_RULES[:3]])
    assert len(svc.rules()) == 3
    before = svc.db.raw("rules")
    bad = [rule_to_dict(DEFAULT_RULES[0]), {**rule_to_dict(DEFAULT_RULES[1]), "kind": "hug"}]
    with pytest.raises(ServiceError, match="bad kind 'hug'"):
        svc.set_rules(bad)
    with pytest.raises(ServiceError, match="appears twice"):
        svc.set_rules([DEFAULT_RULES[0], DEFAULT_RULES[0]])
    assert svc.db.raw("rules") == before


def test_no_rules_means_no_plan(svc: Service):
    svc.set_rules([])
    assert svc.rules() == [] and not svc.rules_are_default()
    svc.reject("Acme", boss="Darlene")
    assert svc.follow_ups() == []


def test_reset_and_revive_a_deleted_rule(svc: Service):
    svc.set_rules([r for r in DEFAULT_RULES if r.id != "interview-thank-you"])
    svc.log("interview", contact="Darlene")
    assert svc.follow_ups() == []
    svc.reset_rules()
    assert {r.id for r in svc.rules()} == {r.id for r in DEFAULT_RULES}
    assert reopen(svc).rules() == svc.rules()  # the revived record is live on disk too
    svc.undo()
    assert "interview-thank-you" not in {r.id for r in svc.rules()}


def test_a_broken_stored_rule_is_reported_and_ignored(svc: Service):
    svc.reset_rules()
    svc.db.update("rules", "rejection-thank-you", {"trigger": "party"})
    rules, problems = svc.rules_and_problems()
    assert "rejection-thank-you" not in {r.id for r in rules}
    assert len(problems) == 1 and "bad trigger 'party'" in problems[0]


# -- templates in the data file ------------------------------------------------------------------


def test_templates_default_edit_reset(svc: Service):
    assert svc.templates() == DEFAULT_TEMPLATES
    svc.set_template("check-in", "Subject: Hey {first_name}\n\nHow is {company}?")
    assert svc.customised_templates() == {"check-in"}
    assert reopen(svc).templates()["check-in"].startswith("Subject: Hey")
    with pytest.raises(ServiceError, match="unknown placeholder {nick}"):
        svc.set_template("check-in", "Hi {nick}")
    with pytest.raises(ServiceError, match="unknown template 'poem'"):
        svc.set_template("poem", "Hi")
    svc.reset_templates(["check-in"])
    assert svc.templates() == DEFAULT_TEMPLATES and svc.customised_templates() == set()
    svc.set_template("check-in", "Hi")
    svc.set_template("check-in", "")  # empty text: back to the default
    assert svc.templates() == DEFAULT_TEMPLATES
    svc.set_template("general", "Hi")
    svc.reset_templates()
    svc.set_template("general", "Hi again")  # a deleted template record comes back
    assert reopen(svc).templates()["general"] == "Hi again"


# -- drafts ---------------------------------------------------------------------------------


def test_draft_of_an_interview_thank_you_uses_the_data(svc: Service):
    mark = svc.find_contact("Mark")
    svc.set_setting("my_name", "Jennifer Doe")
    svc.log("call", contact="Darlene", on="2026-11-10", topic="the month-end close")
    svc.log("interview", contact="Darlene", with_ids=[mark.id], on="2026-11-20")
    f = next(f for f in svc.follow_ups() if f.contact_id != mark.id)
    d = svc.draft(f.id[:8])
    assert d.subject == "Thank you for the interview on November 20, 2026"
    assert d.to_email == "darlene@acme.example"
    assert "Hi Darlene," in d.body
    assert "I enjoyed our conversation about the month-end close." in d.body
    assert "Please also pass my thanks to Mark Jones." in d.body
    assert d.body.endswith("Jennifer Doe")
    assert d.mailto.startswith("mailto:darlene@acme.example?subject=Thank%20you")


def test_draft_with_no_email_and_no_interview_date_stays_readable(svc: Service):
    f = svc.add_follow_up("thank Susan", due="2026-11-28", contact="Susan", kind="thank-you")
    d = svc.draft(f)
    assert d.template == "interview-thank-you"
    assert d.to_email is None and d.mailto is None
    assert d.subject == "Thank you for the interview"
    assert "Hi Susan," in d.body
    assert "Thank you for taking the time to meet with me." in d.body
    assert "None" not in d.text and "{" not in d.text and "[" not in d.text
    assert d.body.endswith("Best regards,")


def test_draft_after_a_rejection_and_after_news(svc: Service):
    svc.log("interview", contact="Darlene", on="2026-11-10")
    _, created = svc.reject("Acme", on="2026-11-20", boss="Darlene")
    d = svc.draft(created[0])
    assert d.template == "rejection-thank-you"
    assert "(the last one on November 10, 2026)" in d.body
    svc.log("news", company="Acme", note="the Midwest freight contract.")
    (nudge,) = by_rule(svc, "news-nudge")
    d = svc.draft(nudge)
    assert d.template == "news-congrats"
    assert d.subject == "Saw the news at Acme"
    assert 'I saw the news ("the Midwest freight contract")' in d.body  # trailing period trimmed
    check_in = by_rule(svc, "rejection-check-in-30")[0]
    assert svc.draft(check_in).template == "check-in"


def test_draft_of_a_referral_thank_you_names_the_people_referred(svc: Service):
    svc.add_contact("Owen Park", company="Acme")
    svc.add_contact("Rita Vance", referred_by_name="Owen Park")
    svc.log("referral-interview", contact="Owen Park", on="2026-11-25", note="org chart")
    thanks = by_rule(svc, "referral-thank-you")[0]
    d = svc.draft(thanks)
    assert d.template == "referral-thank-you"
    assert "Thank you for meeting with me on November 25, 2026" in d.body
    assert "I will reach out to Rita Vance as you suggested" in d.body
    intro = svc.draft(by_rule(svc, "referral-outreach")[0])
    assert intro.template == "introduction" and intro.subject == "Introduction from Owen Park"


def test_draft_of_a_hand_made_thank_you_guesses_from_the_last_meeting(svc: Service):
    svc.log("rejection", contact="Darlene", on="2026-11-20")
    f = svc.add_follow_up("thanks", due="2026-11-28", contact="Darlene", kind="thank-you")
    assert svc.draft(f).template == "rejection-thank-you"
    todo = svc.add_follow_up("update CV", due="2026-11-28")
    d = svc.draft(todo)
    assert d.template == "general" and d.subject == "update CV" and d.to_email is None


def test_draft_uses_the_users_template(svc: Service):
    svc.set_template("interview-thank-you", "Subject: Thanks {first_name}\n\nSee you at {company}.")
    svc.log("interview", contact="Darlene")
    d = svc.draft(svc.follow_ups()[0])
    assert (d.subject, d.body) == ("Thanks Darlene", "See you at Acme.")


# -- paused, and replay -------------------------------------------------------------------------


def test_paused_playbook_plans_nothing(svc: Service):
    with svc.playbook_paused():
        svc.log("interview", contact="Darlene")
        svc.reject("Acme", boss="Darlene")
    assert svc.follow_ups() == []
    svc.log("interview", contact="Darlene")
    assert len(svc.follow_ups()) == 1


EVENT_KINDS = ("interview", "rejection", "referral-interview", "news", "call", "email", "note")
PEOPLE = ("Darlene Smith", "Mark Jones", "Susan Lee", None)


def _replay(path: Path, events, complete_first: bool) -> tuple[list, list]:
    s = open_service(path)
    s.add_company("Acme")
    s.add_contact("Darlene Smith", company="Acme", role="boss", cadence="6w")
    s.add_contact("Mark Jones", company="Acme")
    s.add_contact("Susan Lee", company="Acme", referred_by_name="Mark Jones")
    names = {c.id: c.name for c in s.contacts()} | {s.find_company("Acme").id: "Acme"}
    days = {}
    for kind, who, offset in events:
        i = s.log(kind, company="Acme", contact=who, on=TODAY - dt.timedelta(days=offset))
        days[i.id] = i.day
        if complete_first and s.follow_ups():
            s.complete(s.follow_ups()[0])
    out = sorted(
        (
            f.due,
            f.kind,
            f.title,
            names.get(f.contact_id),
            f.status,
            (o.rule_id, days.get(o.event_id), names[o.target_id], o.n)
            if (o := parse_origin(f.origin))
            else names.get(cadence.contact_of(f.origin) or ""),
        )
        for f in s.follow_ups(include_closed=True)
    )
    made = [(f.due, days[o.event_id]) for f in s.follow_ups(True) if (o := parse_origin(f.origin))]
    return out, made


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(EVENT_KINDS), st.sampled_from(PEOPLE), st.integers(0, 200)),
        max_size=6,
    ),
    st.booleans(),
)
def test_replaying_the_same_events_gives_the_same_follow_ups(events, complete_first):
    with tempfile.TemporaryDirectory() as folder:
        first, made = _replay(Path(folder) / "a.json", events, complete_first)
        second, _ = _replay(Path(folder) / "b.json", events, complete_first)
    assert first == second
    for due, event_day in made:
        assert due >= event_day  # on or after the event (repeats count from the day done)


def test_an_outreach_added_by_hand_drafts_with_the_company_news(svc: Service):
    svc.add_company("Kestrel Lane")
    svc.add_contact("Darlene Fitch", company="Kestrel Lane", email="d@kestrel.example")
    with svc.playbook_paused():
        svc.log("news", company="Kestrel Lane", note="Won the Midwest distribution contract")
    f = svc.add_follow_up(
        "Congratulate Darlene", due="today", contact="Darlene Fitch", kind="outreach"
    )
    draft = svc.draft(f)
    assert draft.template == "news-congrats"
    assert "Midwest distribution contract" in draft.body


def test_the_boss_of_a_company_is_who_said_no_on_the_latest_day_not_the_last_logged(svc: Service):
    """boss_of finds the latest rejection by its day (then id), whatever order it was logged
    in; a rejection whose contact is gone does not count."""
    with svc.playbook_paused():
        svc.add_contact("Bob Lead", company="Acme", role="boss")
        svc.add_contact("Ann Chief", company="Acme", role="boss")
        svc.add_contact("Gone Soon", company="Acme", role="boss")
        svc.log("rejection", contact="Bob Lead", on="2026-11-20")
        svc.log("rejection", contact="Ann Chief", on="2026-11-10")  # logged later, earlier day
        svc.log("rejection", contact="Gone Soon", on="2026-11-25")
        svc.delete_contact(svc.find_contact("Gone Soon"))
    acme = svc.find_company("Acme").id
    assert svc.boss_of(acme).name == "Bob Lead"
