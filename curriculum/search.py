"""Finding courses and lessons by word, in the language of the page.

Learners type word forms and compounds: "Beschwerde" must find "Beschwerden", and
"Beschwerdemanagement" a lesson on "Beschwerden" and "Management". Each word of the query
matches as a prefix of a stemmed word, or (for long words) as two parts of a compound or
inside a longer word ("Beschwerde" finds "Kundenbeschwerde").

- PostgreSQL: its full-text search with the language's configuration (`german`, `english`):
  title, summary and learning objectives of courses, title and body text of lessons.
- SQLite (development, tests): the same rules in Python over the pages' text, with a light
  suffix stemmer; the curriculum is a few hundred pages at most.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from wagtail.models import Locale, Page

from core.pages import default_language_ids

from .models import CoursePage, LessonCompletion, LessonPage

PG_CONFIGS = {"de": "german", "en": "english"}
MIN_PART = 4  # shortest part of a compound word tried on its own
MAX_WORDS = 8

# The course's own vocabulary: German words learners type for the English terms the content
# uses (and back). Each entry is another way of writing the word, matched like the word.
SYNONYMS = {
    "kundenreise": ["customer journey"],
    "kundenreisen": ["customer journey"],
    "kontaktpunkt": ["touchpoint"],
    "kontaktpunkte": ["touchpoint"],
    "beruehrungspunkt": ["touchpoint"],
    "berührungspunkt": ["touchpoint"],
    "kundenstimme": ["voice of customer", "voc"],
    "kundenerlebnis": ["customer experience", "cx"],
}

# Light stemming for SQLite: longest suffix first, the stem keeps at least four letters.
SUFFIXES = {
    "de": ("ungen", "ern", "en", "er", "es", "em", "e", "s", "n"),
    "en": ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s"),
}


@dataclass
class SearchHit:
    """One page found, with what the learner needs to judge it."""

    page: Page
    course: CoursePage | None
    excerpt: SafeString
    rank: float = 0.0
    done: bool = False  # a lesson the learner completed / a course completed
    percent: int | None = None  # course progress, when started


@dataclass
class SearchOutcome:
    """Hits, best first, and what to suggest when there are none."""

    query: str
    hits: list[SearchHit] = field(default_factory=list)
    suggestions: list[Page] = field(default_factory=list)


def query_words(text: str) -> list[str]:
    """The words of the query, lower-case, without search syntax (any text is safe)."""
    return re.findall(r"\w+", text.lower())[:MAX_WORDS]


def compound_splits(word: str) -> list[tuple[str, str]]:
    """Ways to read a long word as two words: "beschwerdemanagement" → ("beschwerde",
    "management"), also without a linking "s" ("kundenservice" → "kunden", "service")."""
    splits = []
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        left, right = word[:cut], word[cut:]
        splits.append((left, right))
        if left.endswith("s") and len(left) > MIN_PART:
            splits.append((left[:-1], right))
    return splits


def fold(word: str) -> str:
    """Lower case without umlauts and accents, as the German stemmer sees words."""
    word = word.lower().replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def stem(word: str, language: str) -> str:
    """A light stem (SQLite only; PostgreSQL uses its Snowball stemmers)."""
    word = fold(word)
    for suffix in SUFFIXES.get(language, SUFFIXES["de"]):
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_PART:
            return word[: -len(suffix)]
    return word


def page_text(page: Page) -> list[str]:
    """The readable text of a course or lesson, paragraph by paragraph."""
    parts = [page.title]
    if isinstance(page, CoursePage):
        parts += [page.summary, page.learning_objectives]
    elif isinstance(page, LessonPage):
        parts += page.body.stream_block.get_searchable_content(page.body)
    texts = []
    for part in parts:
        text = strip_tags(str(part or "")).replace("\xa0", " ")
        texts += [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]
    return texts


def search_curriculum(user, text: str, language: str, limit: int = 50) -> SearchOutcome:
    """Live courses and lessons in `language` that contain every word of `text` (word forms
    and compounds included), with excerpt, course and the user's progress."""
    words = query_words(text)
    outcome = SearchOutcome(query=" ".join(words))
    locale = Locale.objects.filter(language_code=language).first() or Locale.get_default()
    if not words:
        return outcome
    if connection.vendor == "postgresql":
        found = _postgres_hits(words, locale, PG_CONFIGS.get(locale.language_code, "simple"))
    else:
        found = _python_hits(words, locale)
    found.sort(key=lambda pair: -pair[1])
    pages = [page for page, _rank in found[:limit]]
    outcome.hits = _describe(user, pages, dict(found), words, locale.language_code)
    if not outcome.hits:
        outcome.suggestions = list(
            CoursePage.objects.live().filter(locale=locale).order_by("path")[:5]
        )
    return outcome


def _word_tsquery(word: str) -> str:
    """`(beschwerde:* | (beschwer:* & demanagement:*) | …)` for to_tsquery; the words are \\w+
    only, so nothing in them is tsquery syntax."""
    forms = [f"{word}:*"]
    if len(word) >= 2 * MIN_PART + 1:
        forms += [f"({left}:* & {right}:*)" for left, right in compound_splits(word)]
    forms += [
        "(" + " & ".join(f"{part}:*" for part in query_words(phrase)) + ")"
        for phrase in SYNONYMS.get(word, [])
    ]
    return "(" + " | ".join(forms) + ")"


# A word of six letters or more also matches inside a longer word (the end of a compound):
# "Beschwerde" finds "Kundenbeschwerde". Compared stemmed, as the vector holds its words.
INFIX_MATCH = (
    "EXISTS (SELECT 1 FROM unnest(tsvector_to_array({vector})) AS lexeme WHERE strpos(lexeme, "
    "coalesce((tsvector_to_array(to_tsvector(%s::regconfig, %s)))[1], %s)) > 0)"
)


def _match_sql(words: list[str], vector: str, config: str) -> tuple[str, list[str]]:
    """SQL true when the vector has every word (a form, compound part or synonym, or for a
    long word its stem inside a longer word), and its parameters."""
    clauses, params = [], []
    for word in words:
        # A stop word ("machen", "the") leaves an empty query: it does not narrow the search.
        clause = (
            f"(numnode(to_tsquery(%s::regconfig, %s)) = 0 "
            f"OR ({vector}) @@ to_tsquery(%s::regconfig, %s))"
        )
        params += [config, _word_tsquery(word), config, config, config, _word_tsquery(word)]
        if len(word) >= 6:
            clause = f"({clause} OR {INFIX_MATCH.format(vector=vector)})"
            params += [config, config, config, word, fold(word)]
        clauses.append(clause)
    return " AND ".join(clauses), params


def _postgres_hits(words: list[str], locale: Locale, config: str) -> list[tuple[Page, float]]:
    any_word = " | ".join(_word_tsquery(word) for word in words)
    course_vector = (
        "setweight(to_tsvector(%s::regconfig, coalesce(wagtailcore_page.title, '')), 'A') || "
        "setweight(to_tsvector(%s::regconfig, coalesce(curriculum_coursepage.summary, '') || ' ' "
        "|| coalesce(curriculum_coursepage.learning_objectives, '')), 'B')"
    )
    lesson_vector = (
        "setweight(to_tsvector(%s::regconfig, coalesce(wagtailcore_page.title, '')), 'A') || "
        "setweight(jsonb_to_tsvector(%s::regconfig, curriculum_lessonpage.body::jsonb, "
        "'[\"string\"]'), 'C')"
    )
    found: list[tuple[Page, float]] = []
    for model, vector in ((CoursePage, course_vector), (LessonPage, lesson_vector)):
        rank_sql = f"ts_rank({vector}, to_tsquery(%s::regconfig, %s))"
        match_sql, match_params = _match_sql(words, vector, config)
        rows = (
            model.objects.live()
            .filter(locale=locale)
            .annotate(
                # The SQL is fixed text; config and query travel as parameters.
                matches=RawSQL(match_sql, match_params, BooleanField()),  # noqa: S611
                rank=RawSQL(rank_sql, (config, config, config, any_word), FloatField()),  # noqa: S611
            )
            .filter(matches=True)
            .order_by("-rank")[:100]
        )
        found += [(page, float(page.rank)) for page in rows]
    return found


def _python_hits(words: list[str], locale: Locale) -> list[tuple[Page, float]]:
    language = locale.language_code
    wanted = []
    for word in words:
        forms = [(stem(word, language),)]
        if len(word) >= 2 * MIN_PART + 1:
            forms += [
                (stem(left, language), stem(right, language))
                for left, right in compound_splits(word)
            ]
        forms += [
            tuple(stem(part, language) for part in query_words(phrase))
            for phrase in SYNONYMS.get(word, [])
        ]
        wanted.append(forms)
    found = []
    pages = [
        *CoursePage.objects.live().filter(locale=locale),
        *LessonPage.objects.live().filter(locale=locale),
    ]
    for page in pages:
        texts = page_text(page)
        title_tokens = [fold(t) for t in re.findall(r"\w+", page.title)]
        tokens = [fold(t) for text in texts for t in re.findall(r"\w+", text)]
        score = 0.0
        for forms in wanted:
            if not any(all(_token_match(part, tokens) for part in form) for form in forms):
                break
            score += 1.0 + (
                2.0 if any(all(_token_match(p, title_tokens) for p in f) for f in forms) else 0
            )
        else:
            found.append((page, score))
    return found


def _token_match(part: str, tokens: list[str]) -> bool:
    """A stem matches a word it starts, or (six letters or more) a word it is part of."""
    if len(part) >= 6:
        return any(part in token for token in tokens)
    return any(token.startswith(part) for token in tokens)


def _describe(user, pages, ranks, words, language) -> list[SearchHit]:
    """Course, excerpt and the user's progress for each page found (constant queries)."""
    from .services import localized_pages, progress_for_users

    parents = {}
    lessons = [p for p in pages if isinstance(p, LessonPage)]
    if lessons:
        parent_paths = {p.path[: -p.steplen] for p in lessons}
        parents = {c.path: c for c in CoursePage.objects.filter(path__in=parent_paths)}
    originals = default_language_ids(
        [*pages, *parents.values()]
    )  # progress is kept on the German pages
    done_lessons = set(
        LessonCompletion.objects.filter(
            user=user, lesson_id__in=[originals[p.pk] for p in lessons]
        ).values_list("lesson_id", flat=True)
    )
    courses = {
        p.pk: p if isinstance(p, CoursePage) else parents.get(p.path[: -p.steplen]) for p in pages
    }
    course_ids = {c.pk: originals.get(c.pk, c.pk) for c in courses.values() if c is not None}
    originals_by_id = {
        c.pk: c
        for c in CoursePage.objects.filter(pk__in=set(course_ids.values())).only(
            "id", "path", "depth", "locale_id", "translation_key"
        )
    }
    progress = progress_for_users([user], list(originals_by_id.values()))
    shown = localized_pages([c for c in courses.values() if c is not None])
    hits = []
    for page in pages:
        course = courses.get(page.pk)
        entry = progress.get((user.pk, course_ids.get(course.pk))) if course else None
        hits.append(
            SearchHit(
                page=page,
                course=shown.get(course.pk, course) if course and course.pk != page.pk else None,
                excerpt=excerpt(page_text(page)[1:], words, language),
                rank=ranks.get(page, 0.0),
                done=(originals.get(page.pk) in done_lessons)
                if isinstance(page, LessonPage)
                else bool(entry and entry["completed_at"]),
                percent=entry["percent"] if entry else None,
            )
        )
    return hits


def excerpt(texts: list[str], words: list[str], language: str, width: int = 180) -> SafeString:
    """The passage around the first word found, the found words marked (HTML-escaped)."""
    stems = [stem(w, language)[: MIN_PART + 2] for w in words] + [
        stem(part, language)
        for w in words
        if len(w) >= 2 * MIN_PART + 1
        for split in compound_splits(w)
        for part in split
        if len(part) >= 6
    ]
    text = " ".join(texts)
    folded = fold(text)
    positions = [folded.find(s) for s in stems if s and folded.find(s) >= 0]
    if not text:
        return mark_safe("")
    start = max(0, min(positions) - width // 3) if positions else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    snippet = text[start : start + width]
    html = escape(snippet)
    for word_stem in sorted({s for s in stems if s}, key=len, reverse=True):
        html = _mark(html, word_stem)
    prefix = "… " if start else ""
    suffix = " …" if start + width < len(text) else ""
    return mark_safe(f"{prefix}{html}{suffix}")  # noqa: S308 (escaped above, only <mark> added)


def _mark(html: str, word_stem: str) -> str:
    """Wrap each word that contains the stem in <mark> (comparing without umlauts)."""

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if word_stem in fold(token) and "<mark>" not in token:
            return f"<mark>{token}</mark>"
        return token

    return re.sub(r"(?<![&#\w])\w+", replace, html)
