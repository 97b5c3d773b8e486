"""Case notes and onward referrals for the care record's tests, made through the services."""

from care import services
from care.models import CaseNote, OnwardReferral
from tests.factories import days_ago


def note_of(person, writer, *, day: int = 1, text: str = "Seen at the hub.", **fields) -> CaseNote:
    return services.case_note_write(
        service_user=person,
        written_by=writer,
        note_date=days_ago(day),
        kind=fields.pop("kind", "keywork"),
        text=text,
        **fields,
    )


def referral_of(person, maker, *, made: int = 10, follow_up: int = 3, **fields) -> OnwardReferral:
    """A referral made `made` days ago, to be followed up `follow_up` days ago (negative:
    ahead)."""
    return services.onward_referral_make(
        service_user=person,
        made_by=maker,
        organisation_kind=fields.pop("organisation_kind", "housing"),
        organisation_name=fields.pop("organisation_name", "Housing options"),
        reason=fields.pop("reason", "Sleeping on a friend's sofa."),
        made_on=days_ago(made),
        follow_up_on=days_ago(follow_up),
    )


def child_of(person, recorder, *, born: int | None = None, **fields):
    """A child on `person`'s safeguarding record, living with them unless said otherwise;
    born six years ago unless `born` says the year."""
    return services.child_in_contact_record(
        service_user=person,
        recorded_by=recorder,
        label=fields.pop("label", "A"),
        year_of_birth=born if born is not None else days_ago(0).year - 6,
        lives_with=fields.pop("lives_with", "lives_with"),
        social_care=fields.pop("social_care", "none"),
        recorded_on=fields.pop("recorded_on", days_ago(0)),
        **fields,
    )


def protection_referral_of(person, maker, *, made: int = 20, **fields):
    """A protection referral made `made` days ago, chased 14 days after unless said."""
    return services.protection_referral_make(
        service_user=person,
        made_by=maker,
        agency=fields.pop("agency", "childrens_social_care"),
        reason=fields.pop("reason", "Methadone left within reach of a child."),
        made_on=days_ago(made),
        **fields,
    )


def concern_of(person, raiser, *, raised: int = 5, **fields):
    return services.safeguarding_concern_raise(
        service_user=person,
        raised_by=raiser,
        kind=fields.pop("kind", "domestic_abuse"),
        abuse_role=fields.pop("abuse_role", "victim"),
        raised_on=days_ago(raised),
        note=fields.pop("note", "Partner controls money and phone; DASH done."),
        **fields,
    )
