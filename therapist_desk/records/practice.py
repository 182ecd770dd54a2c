"""The practice profile: who the therapist is, for letterheads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.db.models import PracticeProfileRow
from therapist_desk.domain.records import PracticeProfile
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import VaultDamaged
from therapist_desk.records.validation import Problems
from therapist_desk.vault import Vault, audit

TABLE = PracticeProfileRow.__tablename__


def check_profile(profile: PracticeProfile) -> None:
    problems = Problems()
    for label, value in (
        ("Practice name", profile.practice_name),
        ("Clinician name", profile.clinician_name),
        ("Credentials", profile.credentials),
        ("Licence number", profile.licence_number),
        ("Phone", profile.phone),
        ("Email", profile.email),
        ("Website", profile.website),
    ):
        problems.limit(label, value)
    if profile.currency and not (len(profile.currency) == 3 and profile.currency.isalpha()):
        problems.add("The currency is a three-letter code such as GBP, EUR or USD.")
    problems.raise_if_any("The practice profile cannot be saved")


def _row(session: Session) -> PracticeProfileRow:
    row: PracticeProfileRow | None = session.scalar(select(PracticeProfileRow))
    if row is None:
        raise VaultDamaged("the practice profile is missing")
    return row


def load_profile(vault: Vault) -> tuple[PracticeProfile, tuple[str, ...]]:
    """The profile, and the names of any fields that could not be read (shown empty)."""
    with vault.reading() as session:
        return vault.codec.open_details(_row(session), PracticeProfile)


def get_profile(vault: Vault) -> PracticeProfile:
    return load_profile(vault)[0]


def save_profile(vault: Vault, profile: PracticeProfile) -> PracticeProfile:
    check_profile(profile)
    with vault.transaction() as session:
        row = _row(session)
        for column, blob in vault.codec.seal_details(TABLE, row.id, profile).items():
            setattr(row, column, blob)
        row.updated_at = vault.now()
        audit.record(session, vault, AuditKind.EDIT, record_id=row.id, detail="practice profile")
    return profile
