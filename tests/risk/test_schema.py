"""The database itself keeps the flag history sound, whatever writes to it."""

import pytest
from django.db import IntegrityError, transaction

from risk.models import Flag
from tests.risk.conftest import days_ago, neutral_person
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


def test_a_person_can_have_only_one_open_flag():
    person = neutral_person()
    make_flag(person)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_flag(person, tier="high")


def test_a_person_can_have_many_ended_flags_beside_an_open_one():
    person = neutral_person()
    for _ in range(2):
        Flag.objects.filter(pk=make_flag(person, raised_on=days_ago(10)).pk).update(
            ended_on=days_ago(5), status=Flag.Status.ENDED
        )
    make_flag(person)
    assert Flag.objects.filter(service_user=person).count() == 3


def test_a_flag_cannot_end_before_it_was_raised():
    flag = make_flag(neutral_person(), raised_on=days_ago(3))
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.filter(pk=flag.pk).update(ended_on=days_ago(4))
