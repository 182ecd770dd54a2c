"""Printed documents (letters, summaries, safety plans, statements) from templates.

Templates are Jinja2 run in its sandbox with auto-escaping: a template the
therapist edits can read the fields it is given and nothing else, and a client
whose name contains `<b>` is printed as typed, never as markup. An unknown
field or a syntax error is a `TemplateProblem` naming the line, never a blank
letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import (
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from therapist_desk.domain.records import PracticeProfile
from therapist_desk.errors import TherapistDeskError


class TemplateProblem(TherapistDeskError):
    """A template that cannot be rendered; the message says where and why."""

    def __init__(self, template: str, reason: str, line: int | None = None) -> None:
        where = f"{template}, line {line}" if line else template
        super().__init__(f"The template {where} cannot be used: {reason}.")
        self.template = template
        self.reason = reason
        self.line = line


class PaperSize(StrEnum):
    """The paper a document is laid out for."""

    A4 = "A4"
    LETTER = "Letter"


@dataclass(frozen=True)
class Letterhead:
    """What heads every printed page one and signs it off, from the practice profile."""

    practice_name: str = ""
    clinician_name: str = ""
    credentials: str = ""
    licence_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""


def letterhead_from(profile: PracticeProfile) -> Letterhead:
    return Letterhead(
        practice_name=profile.practice_name,
        clinician_name=profile.clinician_name,
        credentials=profile.credentials,
        licence_number=profile.licence_number,
        address=profile.address,
        phone=profile.phone,
        email=profile.email,
        website=profile.website,
    )


@dataclass(frozen=True)
class PrintedDocument:
    """A document ready for the printer: its body as HTML and what frames each page."""

    title: str
    body_html: str
    letterhead: Letterhead
    #: Printed small at the foot of every page, with the page number.
    footer: str = "Confidential"
    #: The most pages the document should take (a safety plan: one, to hand over).
    #: The print path shrinks a longer one down to a readable minimum to fit; None: no limit.
    fit_to_pages: int | None = None


def day(value: object) -> str:
    """`{{ when | day }}`: "27 November 2026", the way letters give dates ("" for none)."""
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return "" if value is None else str(value)


def _money(value: object) -> str:
    """`{{ amount | money }}`: two decimals with thousands separators."""
    if isinstance(value, Decimal | int):
        return f"{Decimal(value):,.2f}"
    return "" if value is None else str(value)


def _lines(value: object) -> list[str]:
    """`{% for line in text | lines %}`: the non-empty lines of a multi-line field."""
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def _environment() -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    environment.filters.update(day=day, money=_money, lines=_lines)
    return environment


_ENVIRONMENT = _environment()


@lru_cache(maxsize=16)
def _compiled(source: str) -> Template:
    """`source` parsed once: a check renders it in every variant, a preview at every pause."""
    return _ENVIRONMENT.from_string(source)


def render(source: str, context: Mapping[str, Any], *, name: str = "template") -> str:
    """Render `source` with `context`; raises TemplateProblem naming the line at fault."""
    try:
        template = _compiled(source)
    except TemplateSyntaxError as error:
        raise TemplateProblem(name, error.message or "a syntax error", error.lineno) from error
    try:
        return template.render(**context)
    except UndefinedError as error:
        raise TemplateProblem(
            name, f"it uses a field that does not exist ({error.message})", _line_of(error)
        ) from error
    except SecurityError as error:
        raise TemplateProblem(name, f"it reaches outside its fields ({error})") from error
    except TemplateError as error:
        raise TemplateProblem(name, error.message or type(error).__name__) from error
    except (TypeError, ValueError, ArithmeticError) as error:
        raise TemplateProblem(name, f"{type(error).__name__}: {error}", _line_of(error)) from error


def _line_of(error: BaseException) -> int | None:
    """The template line an error was raised from (Jinja2 maps its frames to template lines)."""
    traceback = error.__traceback__
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def shipped_template(name: str) -> str:
    """A default template from resources/templates (`safety_plan.html`, say)."""
    return (resources.files("therapist_desk.resources") / "templates" / name).read_text("utf-8")
