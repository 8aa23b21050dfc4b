"""Learner actions on the curriculum: start, mark done, reflections, certificates, search."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import privacy
from accounts.permissions import hr_required
from core.mail import site_url
from core.redirects import with_query

from . import services
from .certificates import certificate_facts, certificate_pdf
from .forms import CertificateNameForm, CertificateSearchForm, ReflectionForm
from .models import Certificate, CoursePage, CurriculumIndexPage, LessonPage
from .search import search_curriculum


def _live_page(model, page_id: int):
    return get_object_or_404(model.objects.live(), pk=page_id)


@require_POST
@login_required
def start_course(request: HttpRequest, course_id: int) -> HttpResponse:
    """Enrol explicitly and go to the lesson to continue with."""
    course = _live_page(CoursePage, course_id)
    missing = services.missing_prerequisites(request.user, course)
    if missing:
        messages.error(request, _("Complete the prerequisite courses first."))
        return redirect(course.url)
    services.enrol(request.user, course)
    progress = services.course_progress(request.user, course)
    target = progress.next_lesson.localized if progress.next_lesson else course
    return redirect(target.url)


@require_POST
@login_required
def mark_lesson_done(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Complete a lesson (only when it is not locked) and move on."""
    lesson = _live_page(LessonPage, lesson_id)
    try:
        services.complete_lesson(request.user, lesson)
    except services.LessonLocked as locked:
        messages.error(request, str(locked))
        return redirect(lesson.course.url)
    course = lesson.course
    progress = services.course_progress(request.user, course)
    if progress.completed_at:
        messages.success(request, _("Course completed – your certificate is ready."))
        return redirect(course.url)
    next_lesson = progress.next_lesson.localized if progress.next_lesson else None
    messages.success(
        request,
        _("“%(title)s” is done – %(done)s of %(total)s lessons of this course.")
        % {"title": lesson.localized.title, "done": progress.done, "total": progress.total},
    )
    return redirect(next_lesson.url if next_lesson else course.url)


@require_POST
@login_required
def save_reflection(request: HttpRequest, lesson_id: int, block_id: str) -> HttpResponse:
    """Save the learner's private answer to one reflection prompt of a lesson."""
    lesson = _live_page(LessonPage, lesson_id)
    if not services.has_reflection_prompt(lesson, block_id):
        raise Http404
    form = ReflectionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.errors["text"]))
    text = form.cleaned_data["text"]
    services.save_reflection(request.user, lesson, block_id, text)
    if request.headers.get("HX-Request"):
        return render(request, "curriculum/includes/reflection_saved.html", {"text": text})
    messages.success(request, _("Your reflection was saved. Only you can see it."))
    return redirect(f"{lesson.url}#reflection-{block_id}")


@require_GET
@login_required
def download_certificate(request: HttpRequest, code: str) -> HttpResponse:
    """The owner's certificate as a PDF; anyone else gets 404."""
    certificate = get_object_or_404(Certificate, code=code, user=request.user)
    verify_url = site_url(reverse("curriculum:verify_certificate", args=[code]))
    language = request.user.preferred_language
    response = HttpResponse(
        certificate_pdf(certificate, verify_url, language=language), content_type="application/pdf"
    )
    name = "certificate" if language == "en" else "zertifikat"
    response["Content-Disposition"] = f'attachment; filename="{name}-{code}.pdf"'
    return response


@require_GET
def verify_certificate(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public check of a certificate code: a clear valid/expired/renewed/invalid state and a
    form to type one."""
    typed = code or request.GET.get("code", "")
    code = "".join(c for c in typed.upper() if c.isalnum())[:32]
    certificate = (
        Certificate.objects.select_related("course", "renewed_by").filter(code=code).first()
        if code
        else None
    )
    facts = certificate_facts(certificate) if certificate else None
    status = 404 if code and certificate is None else 200
    return render(
        request,
        "curriculum/certificate_verify.html",
        {
            "certificate": certificate,
            "facts": facts,
            "code": code,
            "typed": typed[:64],
            "state": services.certificate_state(certificate) if certificate else None,
            "renewed_by": getattr(certificate, "renewed_by", None) if certificate else None,
        },
        status=status,
    )


@hr_required
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    """HR finds issued certificates (to correct the name on one)."""
    form = CertificateSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page_obj = Paginator(services.certificates_for_hr(query), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "curriculum/certificate_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "query": query,
            "individual": privacy.policy_for(privacy.HR).individual_progress,
        },
        status=400 if form.errors else 200,
    )


@hr_required
@require_http_methods(["GET", "POST"])
def certificate_name(request: HttpRequest, code: str) -> HttpResponse:
    """HR corrects the name an issued certificate carries (audited)."""
    certificate = get_object_or_404(Certificate.objects.select_related("user"), code=code)
    form = CertificateNameForm(
        request.POST or None, initial={"learner_name": certificate.learner_name}
    )
    if request.method == "POST" and form.is_valid():
        services.correct_certificate_name(
            certificate, form.cleaned_data["learner_name"], request.user
        )
        messages.success(request, _("The name on the certificate was saved."))
        return redirect(with_query(reverse("curriculum:certificates"), q=certificate.code))
    return render(
        request,
        "curriculum/certificate_name.html",
        {
            "form": form,
            "certificate": certificate,
            "name_on_record": services.name_on_record(certificate.user),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """The course catalogue (the curriculum index) in the user's language, from the menu."""
    index = CurriculumIndexPage.objects.live().first()
    if index is None:
        raise Http404
    return redirect(index.localized.url)


@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Find courses and lessons by word (word forms and compounds) in the current language."""
    # Control characters (a NUL byte ends the database's query string) are dropped.
    query = "".join(c for c in request.GET.get("q", "") if c.isprintable()).strip()[:200]
    outcome = search_curriculum(request.user, query, get_language())
    return render(request, "curriculum/search.html", {"query": query, "outcome": outcome})
