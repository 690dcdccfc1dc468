# Over 400 lines because: one small template language, its parser and its renderer, which must agree
# token by token.
"""Message drafts: a template per kind of follow-up, filled from the data.

Template syntax (users edit these in the settings screen, so it stays small):

* `{first_name}` etc. insert a value (see FIELDS). The first line may be `Subject: ...`.
* `[ ... ]` is an optional part: it is left out unless every placeholder in it has a value,
  e.g. `Thank you for meeting me[ on {interview_date}].`
* A placeholder outside `[ ]` whose value is missing takes a fallback word when one makes sense
  (`Hi {first_name},` becomes `Hi there,`); otherwise its whole sentence is left out, and a line
  left empty goes away. So a draft never shows `None`, `{...}` or a gap where data was missing.
* `{{`, `}}`, `[[`, `]]` write a literal brace or bracket.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

FIELDS: dict[str, str] = {
    "first_name": "the contact's first name",
    "name": "the contact's full name",
    "title": "the contact's job title",
    "company": "the company",
    "role": "the role you applied for",
    "event_date": "the day of what prompted the follow-up (the interview, the rejection...)",
    "interview_date": "the day of the last interview with them",
    "interviewers": "who interviewed you that day",
    "other_interviewers": "the other interviewers (not the one you write to)",
    "last_topic": "the talking point of your last exchange with them (log --topic; never a note)",
    "news": "the company news item",
    "referrer": "who referred you to them",
    "referred": "the people they referred you to",
    "hired_name": "who was hired instead",
    "hired_started": "when that person started",
    "follow_up": "the follow-up's title",
    "my_name": "your name (setting my_name)",
}
# Used for a missing value outside [ ]; a field without a fallback drops its sentence instead.
FALLBACKS: dict[str, str] = {
    "first_name": "there",
    "name": "there",
    "company": "your company",
}

TEMPLATE_LABELS: dict[str, str] = {
    "interview-thank-you": "thank-you after an interview",
    "rejection-thank-you": "thank-you after a rejection",
    "referral-ask": "asking for a referral interview",
    "check-in": "check-in",
    "news-congrats": "congratulations on company news",
    "referral-thank-you": "thank-you after a referral interview",
    "introduction": "reaching someone you were referred to",
    "general": "any other follow-up",
}
TEMPLATE_KEYS: tuple[str, ...] = tuple(TEMPLATE_LABELS)

_SIGN_OFF = "Best regards,\n{my_name}"

DEFAULT_TEMPLATES: dict[str, str] = {
    "interview-thank-you": f"""\
Subject: Thank you for the interview[ on {{interview_date}}]

Hi {{first_name}},

Thank you for taking the time to meet with me[ on {{interview_date}}][ about the {{role}} role].\
[ I enjoyed our conversation about {{last_topic}}.]
[Please also pass my thanks to {{other_interviewers}}.]

Everything I heard made me even more interested in {{company}}. If any other question comes up, \
I will be glad to answer it.

{_SIGN_OFF}
""",
    "rejection-thank-you": f"""\
Subject: Thank you for your time

Hi {{first_name}},

Thank you for letting me know, and for the time you and your team gave me during the \
interviews[ (the last one on {{interview_date}})]. I understand the decision, and I learned a lot \
from the process.

I still admire what {{company}} is doing and would like to stay in touch. If a need comes up \
that fits my background, I would be glad to hear from you.

{_SIGN_OFF}
""",
    "referral-ask": f"""\
Subject: Twenty minutes of your advice?

Hi {{first_name}},

I hope all is well at {{company}}. Would you have twenty minutes in the coming weeks for a short \
call or a coffee? I would value your advice: how your teams are organised, where someone with \
my background could help, and who else you think I should meet.

{_SIGN_OFF}
""",
    "check-in": f"""\
Subject: Checking in

Hi {{first_name}},

I hope things are going well at {{company}}.[ Last time we spoke about {{last_topic}}, and I \
have been thinking about it since.] I wanted to check in and hear how things are on your side.

I am still very interested in {{company}}; if there is any way I can help, please let me know.

{_SIGN_OFF}
""",
    "news-congrats": f"""\
Subject: Saw the news[ at {{company}}]

Hi {{first_name}},

I saw the news[ ("{{news}}")] and thought of you and the team at {{company}}. \
Congratulations if it is the good kind of busy. Either way, if it brings new needs for your team, \
I would be glad to help.

{_SIGN_OFF}
""",
    "referral-thank-you": f"""\
Subject: Thank you for your advice

Hi {{first_name}},

Thank you for meeting with me[ on {{event_date}}] and for your advice about {{company}}.\
[ Your thoughts on {{last_topic}} were especially helpful.][ I will reach out to {{referred}} as \
you suggested and let you know how it goes.]

{_SIGN_OFF}
""",
    "introduction": f"""\
Subject: Introduction[ from {{referrer}}]

Hi {{first_name}},

[{{referrer}} suggested I get in touch with you. ]I am exploring how I could contribute at \
{{company}}, and I would value twenty minutes of your advice about your team and the people I \
should meet. Would a short call in the coming weeks work for you?

{_SIGN_OFF}
""",
    "general": f"""\
Subject: {{follow_up}}

Hi {{first_name}},

[I hope all is well at {{company}}.]

{_SIGN_OFF}
""",
}

# (follow-up kind, trigger of the event that created it) -> template; then kind alone.
_BY_KIND_AND_TRIGGER = {
    ("thank-you", "rejection"): "rejection-thank-you",
    ("thank-you", "referral-interview"): "referral-thank-you",
    ("outreach", "news"): "news-congrats",
    ("outreach", "referral-interview"): "introduction",
}
_BY_KIND = {
    "thank-you": "interview-thank-you",
    "referral-ask": "referral-ask",
    "check-in": "check-in",
    "outreach": "check-in",
}
MAX_TEMPLATE = 10_000
_MONTHS = ("January", "February", "March", "April", "May", "June") + (
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class TemplateError(ValueError):
    """A template that cannot be filled; the message says where and what to write instead."""


def template_key_for(kind: str, trigger: str | None = None) -> str:
    """Which template drafts a follow-up of `kind` created by an event of `trigger`."""
    return _BY_KIND_AND_TRIGGER.get((kind, trigger or "")) or _BY_KIND.get(kind, "general")


# -- parsing ----------------------------------------------------------------------------------

# A token: ("text", str) | ("field", name) | ("section", list[token]) | ("break", " ")
Token = tuple[str, Any]
_FIELD = re.compile(r"\{([^{}]*)\}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _tokens(line: str, lineno: int, key: str) -> list[Token]:
    """One template line as tokens; sentence breaks in top-level text become 'break' tokens."""
    where = f"template {key!r}, line {lineno}"
    top: list[Token] = []
    section: list[Token] | None = None
    text: list[str] = []

    def flush() -> None:
        if not text:
            return
        chunk = "".join(text)
        text.clear()
        if section is not None:
            section.append(("text", chunk))
            return
        pieces = _SENTENCE_END.split(chunk)
        for i, piece in enumerate(pieces):
            if i:
                top.append(("break", " "))
            if piece:
                top.append(("text", piece))

    i = 0
    while i < len(line):
        two = line[i : i + 2]
        if two in ("{{", "}}", "[[", "]]"):
            text.append(two[0])
            i += 2
            continue
        ch = line[i]
        if ch == "{":
            m = _FIELD.match(line, i)
            if m is None:
                raise TemplateError(f"{where}: '{{' without '}}' (write {{{{ for a literal brace)")
            name = m.group(1).strip()
            if name not in FIELDS:
                raise TemplateError(
                    f"{where}: unknown placeholder {{{name}}}: use "
                    + ", ".join(f"{{{n}}}" for n in FIELDS)
                )
            flush()
            (section if section is not None else top).append(("field", name))
            i = m.end()
            continue
        if ch == "}":
            raise TemplateError(f"{where}: '}}' without '{{' (write }}}} for a literal brace)")
        if ch == "[":
            if section is not None:
                raise TemplateError(f"{where}: optional parts [ ] cannot be nested")
            flush()
            section = []
            i += 1
            continue
        if ch == "]":
            if section is None:
                raise TemplateError(f"{where}: ']' without '[' (write ]] for a literal bracket)")
            flush()
            top.append(("section", section))
            section = None
            i += 1
            continue
        text.append(ch)
        i += 1
    if section is not None:
        raise TemplateError(f"{where}: '[' without ']' (write [[ for a literal bracket)")
    flush()
    return top


def check_template(text: Any, key: str = "template") -> None:
    """Raise TemplateError unless `text` is a usable template."""
    if not isinstance(text, str) or not text.strip():
        raise TemplateError(f"template {key!r}: the text is empty")
    if len(text) > MAX_TEMPLATE:
        raise TemplateError(f"template {key!r}: at most {MAX_TEMPLATE} characters")
    for n, line in enumerate(text.splitlines(), 1):
        _tokens(line, n, key)


# -- filling ----------------------------------------------------------------------------------


def natural_join(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def format_date(day: dt.date) -> str:
    """'November 20, 2026', locale-independent (drafts are written in English)."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _value(values: Mapping[str, Any], name: str) -> str | None:
    """The text for a placeholder, or None when the data is missing (None, '', [], blanks)."""
    raw = values.get(name)
    if raw is None:
        return None
    if isinstance(raw, dt.date):
        text = format_date(raw)
    elif isinstance(raw, list | tuple):
        text = natural_join([str(x).strip() for x in raw if x is not None and str(x).strip()])
    else:
        text = str(raw)
    text = " ".join(text.split())
    if name in ("last_topic", "news"):
        text = text.rstrip(" .")
    return text or None


def _fields_in(tokens: list[Token]) -> list[str]:
    return [v for kind, v in tokens if kind == "field"]


def _render_line(tokens: list[Token], values: Mapping[str, Any]) -> str:
    sentences: list[list[Token]] = [[]]
    for token in tokens:
        if token[0] == "break":
            sentences.append([])
        else:
            sentences[-1].append(token)
    kept: list[str] = []
    for sentence in sentences:
        out: list[str] = []
        for kind, v in sentence:
            if kind == "text":
                out.append(v)
            elif kind == "field":
                text = _value(values, v) or FALLBACKS.get(v)
                if text is None:
                    break  # a missing value with no fallback: leave the sentence out
                out.append(text)
            else:  # an optional section
                parts = [_value(values, n) for n in _fields_in(v)]
                if all(p is not None for p in parts):
                    it = iter(parts)
                    out.extend(t if k == "text" else next(it) for k, t in v)  # type: ignore[misc]
        else:
            kept.append("".join(out))
    return " ".join(k for k in kept if k.strip())


def _tidy(line: str) -> str:
    """Spaces left by dropped parts: none doubled, none before punctuation, none at the ends."""
    indent = line[: len(line) - len(line.lstrip(" "))]
    body = re.sub(r"\s{2,}", " ", line.strip())
    body = re.sub(r"\s+([,.;:!?)])", r"\1", body)
    body = re.sub(r"\(\s+", "(", body)
    body = re.sub(r"\(\)", "", body)
    body = re.sub(r"(?<!\.)\.\.(?!\.)", ".", body)
    return indent + body.strip() if body.strip() else ""


def render(template: str, values: Mapping[str, Any], key: str = "template") -> str:
    """Fill a template (see the module docstring); the result has no unfilled placeholder."""
    lines_out: list[str] = []
    for n, line in enumerate(template.splitlines(), 1):
        filled = _tidy(_render_line(_tokens(line, n, key), values))
        if line.strip() and not filled:
            continue  # every part of the line was missing: drop it, leave no hole
        lines_out.append(filled)
    text = "\n".join(lines_out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


@dataclass(frozen=True)
class Draft:
    """A filled message: ready to show, edit, copy or open as a mailto: link."""

    subject: str
    body: str
    to_email: str | None = None
    template: str = "general"
    to_name: str | None = None

    @property
    def text(self) -> str:
        """Subject and body, as shown, copied, or opened in $EDITOR."""
        return f"Subject: {self.subject}\n\n{self.body}\n"

    @property
    def mailto(self) -> str | None:
        return mailto_url(self.to_email, self.subject, self.body) if self.to_email else None


def split_subject(text: str, default: str) -> tuple[str, str]:
    """A leading 'Subject: ...' line becomes the subject; else `default`."""
    first, _, rest = text.partition("\n")  # not split(): a draft may be very long
    if first.lower().startswith("subject:"):
        subject = first.split(":", 1)[1].strip()
        return subject or default, rest.strip("\n")
    return default, text.strip("\n")


def fill(
    template: str,
    values: Mapping[str, Any],
    *,
    key: str = "general",
    to_email: str | None = None,
    default_subject: str = "Hello",
) -> Draft:
    """A draft from a template and the values of its placeholders."""
    subject, body = split_subject(render(template, values, key), default_subject)
    return Draft(subject, body, to_email or None, key, values.get("name") or None)


def mailto_url(email: str, subject: str, body: str) -> str:
    """A mailto: link (RFC 6068): everything percent-encoded, line breaks as CRLF."""
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return (
        f"mailto:{quote(email.strip(), safe='@')}"
        f"?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    )
