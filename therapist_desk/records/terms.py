"""Pick lists: the defaults from the domain vocabulary plus the therapist's own terms."""

from __future__ import annotations

from sqlalchemy import select

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import VocabularyTermRow
from therapist_desk.domain.records import VocabularyTermDetails
from therapist_desk.domain.vocabulary import DEFAULT_TERMS, AuditKind, TermCategory
from therapist_desk.records.validation import Problems
from therapist_desk.vault import Vault, audit

TABLE = VocabularyTermRow.__tablename__
MAX_TERM_LENGTH = 120


def custom_terms(vault: Vault) -> list[VocabularyTermDetails]:
    """The therapist's own terms; one that cannot be read is left out, not shown blank."""
    with vault.reading() as session:
        rows = session.scalars(
            select(VocabularyTermRow).order_by(VocabularyTermRow.created_at, VocabularyTermRow.id)
        ).all()
        opened = [vault.codec.open_details(row, VocabularyTermDetails) for row in rows]
        return [term for term, damaged in opened if not damaged]


def terms(vault: Vault, category: TermCategory) -> list[str]:
    """The defaults first, then the therapist's additions in the order they were added."""
    chosen = list(DEFAULT_TERMS[category])
    known = {term.casefold() for term in chosen}
    for term in custom_terms(vault):
        if term.category is category and term.label.casefold() not in known:
            chosen.append(term.label)
            known.add(term.label.casefold())
    return chosen


def add_term(vault: Vault, category: TermCategory, label: str) -> list[str]:
    """Add a term to a pick list (a term already there is not added twice)."""
    label = " ".join(label.split())
    problems = Problems()
    problems.require_text("The term", label, MAX_TERM_LENGTH)
    problems.raise_if_any("The term cannot be added")
    if label.casefold() in {term.casefold() for term in terms(vault, category)}:
        return terms(vault, category)
    with vault.transaction() as session:
        row_id = new_id()
        session.add(
            VocabularyTermRow(
                id=row_id,
                created_at=vault.now(),
                **vault.codec.seal_details(TABLE, row_id, VocabularyTermDetails(category, label)),
            )
        )
        audit.record(session, vault, AuditKind.CREATE, record_id=row_id, detail="pick-list term")
    return terms(vault, category)
