"""Support rules: repeating dates, the next meetings of each group, the demo data."""

from datetime import date

from sqlalchemy import func, select

from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.support import services
from portal.support.models import AllowanceLevel, PaymentKind, SupportMeeting


def test_a_monthly_meeting_keeps_its_weekday_of_the_month():
    second_tuesday = date(2026, 12, 8)
    assert services.meeting_dates(second_tuesday, 1, 3) == [
        date(2026, 12, 8),
        date(2027, 1, 12),
        date(2027, 2, 9),
    ]


def test_a_fifth_weekday_becomes_the_last_one_in_shorter_months():
    fifth_tuesday = date(2026, 12, 29)
    assert services.same_weekday_months_later(fifth_tuesday, 2) == date(2027, 2, 23)


def test_a_quarterly_run_steps_three_months():
    assert services.meeting_dates(date(2026, 12, 1), 3, 3) == [
        date(2026, 12, 1),
        date(2027, 3, 2),
        date(2027, 6, 1),
    ]


def test_a_single_meeting_does_not_repeat():
    assert services.meeting_dates(date(2026, 12, 1), 0, 5) == [date(2026, 12, 1)]


def test_the_page_shows_the_next_three_per_group_and_four_forum_dates(leicestershire, add_meeting):
    add_meeting(every_months=1, times=6)
    add_meeting(forum=True, every_months=3, times=6)
    add_meeting(in_days=-3)  # past meetings are not shown
    page = services.support_page(leicestershire, utcnow())
    assert [len(group.meetings) for group in page.groups] == [3]
    assert len(page.forum) == 4
    assert all(m.starts_at > utcnow() for m in page.groups[0].meetings + page.forum)
    starts = [m.starts_at for m in page.groups[0].meetings]
    assert starts == sorted(starts)


def test_adding_meetings_is_logged_for_each_one(leicestershire, add_meeting):
    add_meeting(every_months=1, times=3)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("support.meeting_added") == 3


def test_one_locality_has_one_group_however_many_meetings(leicestershire, add_meeting):
    first = add_meeting()[0]
    second = add_meeting(in_days=40)[0]
    assert first.group_id == second.group_id


def test_levels_are_split_into_fees_and_allowances_lowest_first(leicestershire, add_level):
    add_level("Level 2", "190")
    add_level("Level 1", "95")
    add_level("Age 0 to 2", "200", kind=PaymentKind.ALLOWANCE)
    page = services.support_page(leicestershire, utcnow())
    assert [level.name for level in page.fees] == ["Level 1", "Level 2"]
    assert [level.name for level in page.allowances] == ["Age 0 to 2"]


def test_demo_support_fills_every_part_for_both_services(leicestershire, lancashire):
    now = utcnow()
    for service in (leicestershire, lancashire):
        services.add_demo_support(service, now)
        page = services.support_page(service, now)
        assert len(page.groups) == len(service.localities)
        assert all(len(group.meetings) == 3 for group in page.groups)
        assert len(page.forum) == 4
        assert page.information.mentor_scheme
        assert page.information.allegations_guidance
        assert page.fees and page.allowances
    assert "Fostering Academy" in services.find_information(lancashire).mentor_scheme
    assert "Local Authority Designated Officer" in (
        services.find_information(leicestershire).allegations_guidance
    )
    # Each service's rows stay its own.
    assert (
        db.session.scalar(
            select(func.count(SupportMeeting.id)).where(SupportMeeting.service_id == lancashire.id)
        )
        == 5 * 3 + 4
    )
    assert (
        db.session.scalar(
            select(func.count(AllowanceLevel.id)).where(
                AllowanceLevel.service_id == leicestershire.id
            )
        )
        == 3 + 5
    )
