"""Message drafts: the templates (stored in the data file, so they sync) and filling them from
the data for a follow-up. `Drafts` holds the records core and only reads the records a draft
speaks of (the follow-up's person, company, the event that planned it, their history)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rebound_tui.domain import dates, drafts, record
from rebound_tui.domain.drafts import DEFAULT_TEMPLATES, TEMPLATE_KEYS, Draft, TemplateError
from rebound_tui.domain.model import Contact, FollowUp, Interaction
from rebound_tui.domain.playbook import HIRE_EVENT, TRIGGER_OF_KIND, parse_origin
from rebound_tui.errors import ServiceError
from rebound_tui.records_core import RecordsCore
from rebound_tui.touches import day_of as _day
from rebound_tui.touches import people_of as _people_of
from rebound_tui.undo import action

TEMPLATES_TABLE = "templates"
MY_NAME_SETTING = "my_name"
# A topic longer than this reads badly inside a sentence; the draft leaves it out instead.
MAX_TOPIC = 80
# News this recent is still a talking point in a draft that was not created by the news itself.
NEWS_DAYS = 60


def _headline(news: Interaction) -> str | None:
    """A news item's headline: its talking point, else its note (news notes are headlines)."""
    for text in (news.topic, news.note):
        if isinstance(text, str) and text.strip():
            return text.strip()
    return None


class Drafts:
    """Templates and the drafts filled from them (see module doc)."""

    def __init__(self, core: RecordsCore) -> None:
        self.core = core

    # -- templates --------------------------------------------------------------------------------
    def templates(self) -> dict[str, str]:
        """Template text by key (see drafts.TEMPLATE_LABELS): the user's, else the default."""
        out = dict(DEFAULT_TEMPLATES)
        for key, doc in self.core.db.raw(TEMPLATES_TABLE).items():
            text = record.user_fields(doc).get("text")
            if key in out and record.is_live(doc):
                try:
                    drafts.check_template(text, key)
                except TemplateError:
                    continue  # a broken stored template: the default still drafts something
                out[key] = text
        return out

    def customised_templates(self) -> set[str]:
        """Keys whose template the user changed (the settings screen marks them)."""
        return {
            key
            for key, doc in self.core.db.raw(TEMPLATES_TABLE).items()
            if key in DEFAULT_TEMPLATES and record.is_live(doc)
        }

    @action(lambda key: f"change the {key} template")
    def set_template(self, key: str, text: str | None) -> str:
        """Store the user's template for `key`; empty text goes back to the default."""
        if key not in DEFAULT_TEMPLATES:
            raise ServiceError(f"unknown template {key!r}: use one of {', '.join(TEMPLATE_KEYS)}")
        if text is None or not text.strip():
            self._delete_templates([key])
            return key
        try:
            drafts.check_template(text, key)
        except TemplateError as exc:
            raise ServiceError(str(exc)) from None
        self.core.put_record(TEMPLATES_TABLE, key, {"text": text})
        return key

    @action(lambda keys: "reset the templates")
    def reset_templates(self, keys: Iterable[str] | None = None) -> list[str]:
        keys = list(keys) if keys is not None else list(TEMPLATE_KEYS)
        unknown = [k for k in keys if k not in DEFAULT_TEMPLATES]
        if unknown:
            raise ServiceError(
                f"unknown template {unknown[0]!r}: use one of {', '.join(TEMPLATE_KEYS)}"
            )
        self._delete_templates(keys)
        return keys

    def _delete_templates(self, keys: Iterable[str]) -> None:
        raw = self.core.db.raw(TEMPLATES_TABLE)
        for key in keys:
            doc = raw.get(key)
            if doc is not None and record.is_live(doc):
                self.core.db.delete(TEMPLATES_TABLE, key)

    # -- drafts ---------------------------------------------------------------------------------
    def draft(self, follow_up: FollowUp | str) -> Draft:
        """The message for a follow-up, filled from the data; missing data never shows."""
        f = follow_up if isinstance(follow_up, FollowUp) else self.core.find_follow_up(follow_up)
        values, key = self.draft_values(f)
        contact = self.core.contact(f.contact_id)
        return drafts.fill(
            self.templates()[key],
            values,
            key=key,
            to_email=contact.email if contact else None,
            default_subject=f.title,
        )

    def draft_values(self, f: FollowUp) -> tuple[dict[str, Any], str]:
        """(placeholder values, template key) for a follow-up's draft."""
        contact = self.core.contact(f.contact_id)
        company = self.core.company(f.company_id) or (
            self.core.company(contact.company_id) if contact else None
        )
        due = _day(f.due) or self.core.today()
        origin = parse_origin(f.origin)
        event = self.core.interaction_any(origin.event_id) if origin else None
        trigger = TRIGGER_OF_KIND.get(event.kind) if event else None
        if origin and origin.event_id.startswith(HIRE_EVENT):
            trigger = "hired"
        history = [i for i in self.core.interactions() if (_day(i.day) or due) <= due]
        with_them = [i for i in history if contact and contact.id in _people_of(i)]
        if trigger is None and f.kind == "thank-you":
            meetings = [
                i for i in with_them if i.kind in ("interview", "rejection", "referral-interview")
            ]
            trigger = TRIGGER_OF_KIND[meetings[-1].kind] if meetings else None

        interviews = [i for i in with_them if i.kind == "interview"]
        if not interviews and company:
            interviews = [
                i for i in history if i.kind == "interview" and i.company_id == company.id
            ]
        interview = interviews[-1] if interviews else None
        interviewers = (
            [self.core.name_of("contacts", p) for p in _people_of(interview)] if interview else []
        )
        others = [
            self.core.name_of("contacts", p)
            for p in (_people_of(interview) if interview else ())
            if not contact or p != contact.id
        ]
        # Notes are private: only a talking point the user gave for a message is mentioned.
        topics = [
            i.topic.strip()
            for i in with_them
            if isinstance(i.topic, str) and i.topic.strip() and len(i.topic.strip()) <= MAX_TOPIC
        ]
        news = _headline(event) if event is not None and event.kind == "news" else None
        if news is None and company:
            recent = [
                i
                for i in history
                if i.kind == "news"
                and i.company_id == company.id
                and _headline(i)
                and dates.days_between(_day(i.day) or due, due) <= NEWS_DAYS
            ]
            news = _headline(recent[-1]) if recent else None
        if trigger is None and f.kind == "outreach" and news:
            trigger = TRIGGER_OF_KIND["news"]  # reaching out while the company is in the news
        key = drafts.template_key_for(f.kind, trigger)
        referrer = (
            self.core.contact(contact.referred_by) if contact and contact.referred_by else None
        )
        referred = (
            [c.name for c in self.core.records(Contact).values() if c.referred_by == contact.id]
            if contact
            else []
        )
        values: dict[str, Any] = {
            "first_name": contact.name.split()[0] if contact and contact.name.split() else None,
            "name": contact.name if contact else None,
            "title": contact.title if contact else None,
            "company": company.name if company else None,
            "role": None,
            "event_date": _day(event.day) if event else None,
            "interview_date": _day(interview.day) if interview else None,
            "interviewers": interviewers,
            "other_interviewers": others,
            "last_topic": topics[-1] if topics else None,
            "news": news,
            "referrer": referrer.name if referrer else None,
            "referred": sorted(referred, key=str.lower),
            "hired_name": company.hired_name if company else None,
            "hired_started": _day(company.hired_started) if company else None,
            "follow_up": f.title,
            "my_name": self.core.setting(MY_NAME_SETTING),
        }
        return values, key
