from django.db import migrations, models


def freeze_open_attempts(apps, schema_editor):
    """Attempts still open keep the answer key the quiz has now; submitted ones are graded."""
    Attempt = apps.get_model("quizzes", "Attempt")
    Question = apps.get_model("quizzes", "Question")
    for attempt in Attempt.objects.filter(submitted_at__isnull=True).select_related("quiz"):
        questions = Question.objects.filter(pk__in=attempt.question_ids)
        attempt.answer_key = {
            "pass_mark": attempt.quiz.pass_mark,
            "questions": {
                str(q.pk): {
                    "kind": q.kind,
                    "partial_credit": q.partial_credit,
                    "options": [
                        {
                            "id": block["id"],
                            "text": block["value"].get("text", ""),
                            "correct": bool(block["value"].get("correct")),
                            "feedback": block["value"].get("feedback", ""),
                        }
                        for block in q.options.raw_data
                    ],
                }
                for q in questions
            },
        }
        attempt.save(update_fields=["answer_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0003_editor_quiz_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="answer_key",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(freeze_open_attempts, migrations.RunPython.noop),
    ]
