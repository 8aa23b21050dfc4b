"""Certificate PDFs, drawn with reportlab."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from django.utils import formats

from .models import Certificate


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """A one-page landscape certificate with name, course, date and verification code."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=0)
    pdf.setTitle(f"Zertifikat – {certificate.course_title}")
    pdf.setAuthor("CX Academy")
    pdf.setFillColor(colors.HexColor("#0b5f8a"))
    pdf.rect(0, height - 90, width, 90, stroke=0, fill=1)
    pdf.setFillColor(colors.white)
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(width / 2, height - 58, "CX Academy")
    pdf.setFillColor(colors.HexColor("#1a1a1a"))
    pdf.setFont("Helvetica", 18)
    pdf.drawCentredString(
        width / 2, height - 160, "Teilnahmezertifikat / Certificate of completion"
    )
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 230, certificate.learner_name)
    pdf.setFont("Helvetica", 16)
    pdf.drawCentredString(
        width / 2, height - 275, "hat den Kurs erfolgreich abgeschlossen / has completed"
    )
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawCentredString(width / 2, height - 320, certificate.course_title)
    pdf.setFont("Helvetica", 14)
    issued = formats.date_format(certificate.issued_at, "d.m.Y")
    pdf.drawCentredString(width / 2, height - 370, f"Datum / Date: {issued}")
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(width / 2, 70, f"Prüfcode / Verification code: {certificate.code}")
    pdf.drawCentredString(width / 2, 52, verify_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
