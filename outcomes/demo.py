"""Demo outcomes: a year of customer figures per location and department (Hamburg trained
early and improved), and anonymous feedback on two courses."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from curriculum.models import CoursePage
from people.models import Department, Location

from .models import CourseFeedback, Metric, MetricValue
from .services import first_of_month, last_months

# (start, monthly change) per unit and figure; Hamburg trained early and improves most.
TRENDS = {
    ("location", "Hamburg"): {
        "nps": (18, 2.1),
        "csat": (74, 0.9),
        "ces": (4.6, -0.08),
        "complaints": (9.5, -0.45),
    },
    ("location", "München"): {
        "nps": (21, 0.4),
        "csat": (77, 0.2),
        "ces": (4.3, -0.01),
        "complaints": (8.1, -0.05),
    },
    ("department", "Kundenservice Hamburg"): {
        "nps": (15, 2.4),
        "csat": (72, 1.0),
        "complaints": (10.2, -0.5),
    },
    ("department", "Kundenservice"): {
        "nps": (20, 0.8),
        "csat": (76, 0.4),
        "complaints": (8.8, -0.15),
    },
    ("department", "Vertrieb"): {"nps": (24, 0.1), "csat": (79, 0.0), "complaints": (6.0, 0.02)},
}
WOBBLE = [0.0, 0.6, -0.4, 0.3, -0.7, 0.5, -0.2, 0.4, -0.5, 0.2, 0.7, -0.3]

FEEDBACK = {
    "de": [
        (5, 10, "Ich fasse das Anliegen am Telefon in eigenen Worten zusammen.", "Sehr praxisnah."),
        (4, 9, "Ich frage nach, ob das Problem wirklich gelöst ist.", ""),
        (
            5,
            9,
            "Ich fasse das Anliegen zusammen, bevor ich eine Lösung anbiete.",
            "Gute Beispiele aus der Filiale.",
        ),
        (4, 8, "Beschwerden nehme ich als Chance und bedanke mich zuerst.", ""),
        (3, 6, "Mehr Zeit für Rückfragen einplanen.", "Etwas lang."),
        (5, 10, "Ich fasse das Anliegen zusammen und nenne einen klaren nächsten Schritt.", ""),
        (4, 9, "Ich melde mich nach einer Beschwerde noch einmal beim Kunden.", "Gute Beispiele."),
    ],
    "en": [
        (4, 9, "Summarise the request before offering a solution.", ""),
        (5, 10, "Follow up after a complaint is closed.", "Clear examples."),
    ],
}


@transaction.atomic
def load(stdout) -> None:
    """Twelve months of figures and a handful of answers; only what is missing is added."""
    metrics = {metric.code: metric for metric in Metric.objects.all()}
    months = last_months(12)
    for (kind, name), figures in TRENDS.items():
        model = Location if kind == "location" else Department
        unit = model.objects.filter(name=name).first()
        if unit is None:
            continue
        for code, (start, step) in figures.items():
            metric = metrics.get(code)
            if metric is None:
                continue
            for index, month in enumerate(months):
                scale = 0.1 if code == "ces" else 1.0
                value = start + step * index + WOBBLE[index] * scale
                MetricValue.objects.get_or_create(
                    metric=metric,
                    month=month,
                    **{kind: unit},
                    defaults={"value": Decimal(f"{value:.2f}")},
                )
    courses = list(
        CoursePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).order_by("path")[:2]
    )
    if courses and not CourseFeedback.objects.exists():
        this_month = first_of_month(datetime.date.today())
        CourseFeedback.objects.bulk_create(
            CourseFeedback(
                course=course,
                language=language,
                month=months[-1 - index % 3] if index % 2 else this_month,
                rating=rating,
                recommend=recommend,
                change_tomorrow=change,
                comment=comment,
            )
            for course in courses
            for language, answers in FEEDBACK.items()
            for index, (rating, recommend, change, comment) in enumerate(answers)
        )
    stdout.write("Outcomes: customer figures for 12 months and course feedback ready.")
