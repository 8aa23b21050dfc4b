"""A manager on a phone: opens My team, reminds an overdue person, assigns a course to two
reports with a preview; then one of her people whose certificate is being renewed sees the
renewal on the verification page of the old certificate."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .a11y import assert_accessible
from .conftest import log_in, screenshot

MANAGER = "anna.albrecht@cx-academy.example"
COURSE = "Omnichannel & Mobile-first-Service"


def test_manager_reminds_and_assigns_on_a_phone(demo_site, new_page):
    from assignments.models import Assignment
    from outbox.models import OutboxMessage

    desktop = new_page()
    log_in(desktop, demo_site, MANAGER)
    entry = desktop.locator("#site-menu [data-testid=nav-my-team]")
    assert entry.is_visible() and entry.inner_text() == "Mein Team"

    page = new_page(phone=True)
    log_in(page, demo_site, MANAGER)
    # On the phone My team is in the folded menu.
    page.locator(".nav-toggle").click()
    page.locator("#site-menu [data-testid=nav-my-team]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/team/")
    assert page.locator("h1").inner_text() == "Mein Team"
    overdue_before = int(page.locator("[data-testid=total-overdue]").inner_text())
    assert overdue_before > 0
    assert int(page.locator("[data-testid=total-expiring]").inner_text()) > 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    assert_accessible(page)
    screenshot(page, "team-phone")

    card = page.locator(
        "[data-testid=member-card]", has=page.locator("[data-testid=remind-person]")
    ).first
    name = card.locator("h3").inner_text()
    card.locator("[data-testid=remind-person]").click()
    page.wait_for_load_state("networkidle")
    assert "1 Person wurde per E-Mail erinnert" in page.locator("#main").inner_text()
    assert OutboxMessage.objects.filter(topic="reminder-manager").count() == 1
    # Again at once: refused by the rate limit, and said so.
    page.locator("[data-testid=member-card]", has_text=name).locator(
        "[data-testid=remind-person]"
    ).click()
    page.wait_for_load_state("networkidle")
    assert "Kürzlich erinnert" in page.locator("#main").inner_text()
    assert OutboxMessage.objects.filter(topic="reminder-manager").count() == 1

    boxes = page.locator("input[name=people]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    chosen = [int(boxes.nth(i).get_attribute("value")) for i in (0, 1)]
    page.locator("details.team-assign summary").click()
    page.get_by_label("Kurs", exact=True).select_option(label=COURSE)
    due = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Fälligkeitsdatum").fill(due.isoformat())
    page.locator("[data-testid=assign-preview]").click()
    plan = page.locator("[data-testid=assign-plan]")
    assert "2 neue Zuweisungen" in plan.inner_text()
    assert not Assignment.objects.filter(user_id__in=chosen, course__title=COURSE).exists()
    screenshot(page, "team-assign-preview-phone")
    page.locator("[data-testid=assign-confirm]").click()
    page.wait_for_load_state("networkidle")
    assert "2 Personen zugewiesen" in page.locator("#main").inner_text()
    assert set(
        Assignment.objects.filter(course__title=COURSE, user_id__in=chosen).values_list(
            "user_id", "due_date"
        )
    ) == {(chosen[0], due), (chosen[1], due)}


def test_learner_renews_an_expiring_certificate(demo_site, new_page):
    """One of the demo team's certificates is re-assigned for renewal; the learner completes the
    course again and the old certificate's page says it was renewed."""
    from accounts.demo import DEMO_PASSWORD
    from assignments.models import Assignment
    from curriculum import services
    from curriculum.models import Certificate

    assignment = (
        Assignment.objects.filter(renewal_of__isnull=False)
        .select_related("renewal_of", "user", "course")
        .first()
    )
    assert assignment is not None, "the demo has a renewal under way"
    user, old = assignment.user, assignment.renewal_of
    user.set_password(DEMO_PASSWORD)
    user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    page = new_page(phone=True)
    log_in(page, demo_site, user.email)
    page.goto(demo_site + "/")
    assert assignment.course.title in page.locator("#main").inner_text()
    # The lessons are done in the browser; the final exam through its service (its questions
    # are drawn at random, the quiz browser test covers answering them).
    for lesson in services.course_lessons(assignment.course):
        page.goto(demo_site + lesson.url)
        if page.locator("#mark-done").count():
            page.locator("#mark-done").click()
            page.wait_for_load_state("networkidle")
    from curriculum.demo import _pass_exam

    _pass_exam(user, assignment.course)
    new = Certificate.objects.get(user=user, course=assignment.course, is_current=True)
    assert new.pk != old.pk and new.replaces_id == old.pk
    page.goto(demo_site + f"/certificates/verify/{old.code}/")
    assert "Erneuert" in page.locator("#main").inner_text()
    page.goto(demo_site + f"/certificates/verify/{new.code}/")
    assert "Gültig bis" in page.locator("#main").inner_text()
    screenshot(page, "certificate-renewed-phone")
