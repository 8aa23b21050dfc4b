"""Certificate PDFs, drawn with reportlab, in the learner's language."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from django.conf import settings
from django.db.models import Sum
from django.utils import formats, translation
from django.utils.translation import gettext as _

from .models import Certificate, LessonPage


@dataclass
class CertificateFacts:
    """What a certificate states besides name and course: how it was earned."""

    with_exam: bool  # a final test was passed: "successfully completed", else "took part"
    score: int | None  # best score in the final test, percent
    minutes: int  # the course's lessons together
    issuer: str


def certificate_facts(certificate: Certificate) -> CertificateFacts:
    """Exam, best score and duration of the certified course (3 queries)."""
    from quizzes.models import Attempt

    course = certificate.course
    score = None
    if course.final_exam_id:
        best = (
            Attempt.objects.filter(
                user_id=certificate.user_id,
                quiz__translation_key=course.final_exam.translation_key,
                passed=True,
            )
            .order_by("-score_percent")
            .values_list("score_percent", flat=True)
            .first()
        )
        score = round(best) if best is not None else None
    minutes = (
        LessonPage.objects.live().child_of(course).aggregate(total=Sum("minutes"))["total"]
        or course.estimated_minutes
    )
    return CertificateFacts(
        with_exam=bool(course.final_exam_id),
        score=score,
        minutes=minutes,
        issuer=settings.ACADEMY_NAME,
    )


def certificate_pdf(
    certificate: Certificate, verify_url: str, language: str | None = None
) -> bytes:
    """A one-page landscape certificate: title and wording that match how it was earned
    (participation, or a passed final test with its score), duration, issuer with a signature
    line, date and verification code; in `language` (the learner's preferred one)."""
    facts = certificate_facts(certificate)
    language = language or certificate.user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        return _draw(certificate, facts, verify_url)


def _draw(certificate: Certificate, facts: CertificateFacts, verify_url: str) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(A4)
    title = _("Certificate") if facts.with_exam else _("Certificate of participation")
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=0)
    pdf.setTitle(f"{title} – {certificate.course_title}")
    pdf.setAuthor(facts.issuer)
    pdf.setFillColor(colors.HexColor("#0b5f8a"))
    pdf.rect(0, height - 90, width, 90, stroke=0, fill=1)
    pdf.setFillColor(colors.white)
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(width / 2, height - 58, facts.issuer)
    pdf.setFillColor(colors.HexColor("#1a1a1a"))
    pdf.setFont("Helvetica", 20)
    pdf.drawCentredString(width / 2, height - 150, title)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 215, certificate.learner_name)
    pdf.setFont("Helvetica", 16)
    wording = (
        _("has successfully completed the course and passed its final test")
        if facts.with_exam
        else _("has taken part in the course and completed all of its lessons")
    )
    pdf.drawCentredString(width / 2, height - 255, wording)
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawCentredString(width / 2, height - 298, certificate.course_title)
    pdf.setFont("Helvetica", 13)
    details = [_("Duration: %(minutes)s minutes") % {"minutes": facts.minutes}]
    if facts.score is not None:
        details.append(_("Final test: %(score)s %%") % {"score": facts.score})
    issued = formats.date_format(certificate.issued_at, "DATE_FORMAT")
    details.append(_("Date: %(date)s") % {"date": issued})
    pdf.drawCentredString(width / 2, height - 335, "   ·   ".join(details))
    # Signature line on the issuer's side.
    line_y = 135
    pdf.setStrokeColor(colors.HexColor("#1a1a1a"))
    pdf.line(width / 2 - 130, line_y, width / 2 + 130, line_y)
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(
        width / 2, line_y - 16, _("For %(issuer)s, training team") % {"issuer": facts.issuer}
    )
    pdf.setFont("Helvetica", 10)
    pdf.drawCentredString(
        width / 2, 62, _("Verification code: %(code)s") % {"code": certificate.code}
    )
    pdf.drawCentredString(width / 2, 46, verify_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
