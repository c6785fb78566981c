"""The module parser: what it reads, and every problem it refuses with file and line."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from medvirk.learning.content import ContentError, parse_file, parse_module
from medvirk.learning.tests.factories import CONTENT, FIXTURES

FRONT = """---
id: test-module
title: Test
summary: A test.
audience: [staff]
minutes: 5
order: 1
---
"""


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def parse(text: str, **options: object) -> object:
    return parse_module(text, filename="test.md", language="nb", **options)  # type: ignore[arg-type]


def problems(text: str, **options: object) -> list[tuple[int, str]]:
    with pytest.raises(ContentError) as failure:
        parse(text, **options)
    return [(problem.line, problem.message) for problem in failure.value.problems]


# --- The four errors the issue names, from real files ------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "phrase"),
    [
        ("missing-front-matter.md", 1, "must start with front matter"),
        ("unknown-audience.md", 7, "Unknown audience “patients”"),
        ("quiz-without-correct-answer.md", 12, "at least one correct option"),
        ("video-without-transcript.md", 14, "needs a transcript"),
    ],
)
def test_bad_file_is_refused_naming_file_and_line(name: str, line: int, phrase: str) -> None:
    """Each bad fixture file is refused with a ``file:line: message`` naming the problem."""
    path = FIXTURES / "bad" / "nb" / name
    with pytest.raises(ContentError) as failure:
        parse_file(path, root=FIXTURES / "bad", display_name=f"bad/nb/{name}")
    message = str(failure.value)
    assert message.startswith(f"bad/nb/{name}:{line}: ")
    assert phrase in message


# --- Reading a good module ------------------------------------------------------------------


def test_fixture_module_is_read_with_every_lesson_type() -> None:
    module = parse_file(CONTENT / "nb" / "01-medvirkning-i-praksis.md", root=CONTENT)
    assert (module.key, module.language, module.minutes, module.order) == (
        "fixture-participation",
        "nb",
        10,
        1,
    )
    assert module.audience == ("staff", "representatives")
    assert [lesson.kind for lesson in module.lessons] == [
        "story",
        "video",
        "audio",
        "reflection",
        "quiz",
        "tips",
    ]
    video = module.lessons[1]
    assert (video.media_src, video.media_captions) == ("film.mp4", "film.nb.vtt")
    assert "morgenene" in video.html  # the transcript


def test_content_hash_is_sha256_of_the_file_bytes() -> None:
    path = CONTENT / "nb" / "02-kort-modul.md"
    module = parse_file(path, root=CONTENT)
    assert module.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_quiz_questions_options_and_feedback() -> None:
    module = parse_file(CONTENT / "nb" / "01-medvirkning-i-praksis.md", root=CONTENT)
    quiz = module.lessons[4]
    assert len(quiz.questions) == 3
    single, multiple, _third = quiz.questions
    assert not single.is_multiple
    assert multiple.is_multiple
    assert [o.is_correct for o in multiple.options] == [True, True, False]
    assert multiple.options[2].feedback_html == "Nei, det er ikke ett av de tre nivåene."


def test_task_list_in_tips_becomes_numbered_checklist_after_the_text() -> None:
    module = parse_file(CONTENT / "nb" / "01-medvirkning-i-praksis.md", root=CONTENT)
    tips = module.lessons[5]
    assert tips.blocks[0] == {"html": "<p>Noen råd å ta med seg:</p>"}
    assert tips.blocks[1]["checklist"] == [
        {"index": 0, "html": "Spør «Hva er viktig for deg?» i første samtale"},
        {"index": 1, "html": "Skriv målet med brukerens egne ord"},
    ]


def test_checklists_are_numbered_across_the_lesson() -> None:
    module = parse(FRONT + "\n## Tips {tips}\n\n- [ ] One\n- [ ] Two\n\nBetween.\n\n- [ ] Three\n")
    blocks = module.lessons[0].blocks  # type: ignore[attr-defined]
    numbers = [[item["index"] for item in block.get("checklist", [])] for block in blocks]
    assert numbers == [[0, 1], [], [2]]


def test_lesson_html_is_sanitised() -> None:
    """Raw HTML that could run scripts is removed; only the safe tag set is kept."""
    module = parse(
        FRONT
        + '\n## Story\n\n<script>alert(1)</script><p onclick="x()">Hi</p>'
        + '\n\n[link](javascript:alert(1)) <iframe src="x"></iframe>\n'
    )
    html = module.lessons[0].html  # type: ignore[attr-defined]
    assert "script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "iframe" not in html
    assert "<p>Hi</p>" in html


def test_headings_inside_a_lesson_come_below_the_lesson_title() -> None:
    module = parse(FRONT + "\n## Story\n\n### Part one\n\nText\n")
    assert "<h2>Part one</h2>" in module.lessons[0].html  # type: ignore[attr-defined]


def test_heading_in_a_code_block_is_not_a_lesson() -> None:
    module = parse(FRONT + "\n## Story\n\n```\n## not a lesson\n```\n")
    assert len(module.lessons) == 1  # type: ignore[attr-defined]


def test_links_get_noopener() -> None:
    module = parse(FRONT + "\n## Story\n\nSee [Helsenorge](https://www.helsenorge.no).\n")
    assert 'rel="noopener noreferrer"' in module.lessons[0].html  # type: ignore[attr-defined]


# --- Problems, each with its line ---------------------------------------------------------------


def test_unknown_key_is_refused_at_its_line() -> None:
    text = FRONT.replace("order: 1\n", "order: 1\nauthor: Kari\n") + "\n## Story\n\nText\n"
    assert problems(text) == [
        (
            8,
            "Unknown key “author” in the front matter. The keys are: "
            "id, title, summary, audience, minutes, order.",
        )
    ]


def test_missing_key_is_refused() -> None:
    text = FRONT.replace("minutes: 5\n", "") + "\n## Story\n\nText\n"
    assert problems(text) == [(1, "The front matter lacks the key “minutes”.")]


def test_front_matter_not_closed() -> None:
    assert problems("---\nid: x\n\n## Story\n")[0][0] == 1


def test_invalid_yaml_names_its_line() -> None:
    text = FRONT.replace("title: Test", "title: [unclosed") + "\n## Story\n\nText\n"
    [(line, message)] = problems(text)
    assert line in (3, 4)
    assert message.startswith("The front matter is not valid YAML")


@pytest.mark.parametrize(
    ("replace", "line", "phrase"),
    [
        (("id: test-module", "id: Test Module"), 2, "lowercase letters"),
        (("title: Test", "title: 2024"), 3, "must be text"),
        (("audience: [staff]", "audience: staff"), 5, "must be a list"),
        (("audience: [staff]", "audience: []"), 5, "must be a list"),
        (("minutes: 5", "minutes: 500"), 6, "from 1 to 240"),
        (("minutes: 5", "minutes: yes"), 6, "from 1 to 240"),
        (("order: 1", "order: first"), 7, "whole number"),
    ],
)
def test_bad_front_matter_values(replace: tuple[str, str], line: int, phrase: str) -> None:
    [(found_line, message)] = problems(FRONT.replace(*replace) + "\n## Story\n\nText\n")
    assert found_line == line
    assert phrase in message


def test_text_before_the_first_lesson() -> None:
    assert problems(FRONT + "\nAn introduction.\n\n## Story\n\nText\n") == [
        (
            10,
            "Text before the first lesson: every lesson starts with a “## ” heading, "
            "and the module's description goes in “summary”.",
        )
    ]


def test_module_without_lessons() -> None:
    assert "at least one lesson" in problems(FRONT)[0][1]


def test_top_level_heading_is_refused() -> None:
    found = problems(FRONT + "\n## Story\n\nText\n\n# Big\n")
    assert [line for line, _message in found] == [14]
    assert "“# ” heading is not allowed" in found[0][1]


def test_unknown_lesson_type() -> None:
    [(line, message)] = problems(FRONT + "\n## Slides {slides}\n\nText\n")
    assert line == 10
    assert "Unknown lesson type “slides”" in message


def test_unknown_lesson_attribute() -> None:
    [(line, message)] = problems(FRONT + '\n## Think {reflection src="x"}\n\nText\n')
    assert (line, message) == (10, "A lesson of type “reflection” has no attribute “src”.")


@pytest.mark.parametrize(
    ("heading", "phrase"),
    [
        ('{video captions="https://x.example/a.vtt"}', 'needs src="…"'),
        ('{video src="https://x.example/a.mp4"}', 'needs captions="…"'),
        ("{audio}", 'needs src="…"'),
    ],
)
def test_media_lessons_need_their_files(heading: str, phrase: str) -> None:
    [(line, message)] = problems(FRONT + f"\n## Film {heading}\n\nTranscript.\n")
    assert line == 10
    assert phrase in message


def test_audio_without_transcript() -> None:
    text = FRONT + '\n## Listen {audio src="https://x.example/a.mp3"}\n\n## Next\n\nText\n'
    assert problems(text) == [
        (
            10,
            "A lesson of type “audio” needs a transcript: write it as the lesson's text "
            "under the heading.",
        )
    ]


def test_image_without_alt_text() -> None:
    text = FRONT + "\n## Story\n\nText\n\n![](https://x.example/a.png)\n"
    assert problems(text) == [
        (14, "An image needs alternative text: write ![what the image shows](file).")
    ]


def test_raw_img_tag_is_refused() -> None:
    assert problems(FRONT + '\n## Story\n\n<img src="a.png" alt="A">\n')[0][0] == 12


def test_missing_media_file_is_named() -> None:
    text = FRONT + "\n## Story\n\n![A cat](cat.png)\n"
    [(line, message)] = problems(text, media_dir=CONTENT / "media")
    assert (line, message) == (12, "The media file “cat.png” is not in content/learning/media/.")


def test_existing_media_file_is_accepted() -> None:
    parse(FRONT + "\n## Story\n\n![Kari](kari.svg)\n", media_dir=CONTENT / "media")


def test_path_outside_the_media_folder_is_refused() -> None:
    [(line, message)] = problems(FRONT + "\n## Story\n\n![A](../secret.png)\n")
    assert line == 12
    assert "neither a file name" in message


def test_modules_written_in_the_app_use_web_addresses_for_images() -> None:
    [(line, message)] = problems(FRONT + "\n## Story\n\n![A cat](cat.png)\n", local_media=False)
    assert line == 12
    assert "only show images and media from a web address" in message
    parse(FRONT + "\n## Story\n\n![A cat](https://x.example/cat.png)\n", local_media=False)


def test_quiz_question_with_one_option() -> None:
    text = FRONT + "\n## Quiz {quiz}\n\n? Q?\n- [x] Yes :: Right.\n"
    assert problems(text) == [(12, "A question needs at least two options.")]


def test_quiz_option_without_feedback() -> None:
    text = FRONT + "\n## Quiz {quiz}\n\n? Q?\n- [x] Yes :: Right.\n- [ ] No\n"
    [(line, message)] = problems(text)
    assert line == 14
    assert message.startswith("Every option needs feedback")


def test_quiz_without_questions() -> None:
    [(line, message)] = problems(FRONT + "\n## Quiz {quiz}\n\nJust text.\n")
    assert line == 10
    assert "at least one question" in message


def test_quiz_with_stray_text_between_questions() -> None:
    text = FRONT + "\n## Quiz {quiz}\n\n? Q?\n- [x] Yes :: Right.\n- [ ] No :: Wrong.\nOops\n"
    assert problems(text)[0][0] == 15


def test_indented_line_continues_feedback() -> None:
    text = FRONT + "\n## Quiz {quiz}\n\n? Q?\n- [x] Yes :: Right,\n  and why.\n- [ ] No :: No.\n"
    quiz = parse(text).lessons[0]  # type: ignore[attr-defined]
    assert quiz.questions[0].options[0].feedback_html == "Right, and why."


def test_all_problems_in_a_file_are_reported_together() -> None:
    text = (
        FRONT
        + "\n## Slides {slides}\n\nText\n\n## Quiz {quiz}\n\n? Q?\n- [ ] A :: a\n- [ ] B :: b\n"
    )
    assert [line for line, _message in problems(text)] == [10, 16]


def test_file_outside_a_language_folder(tmp_path: Path) -> None:
    (tmp_path / "de").mkdir()
    path = tmp_path / "de" / "x.md"
    path.write_text(FRONT + "\n## Story\n\nText\n")
    with pytest.raises(ContentError) as failure:
        parse_file(path, root=tmp_path, display_name="de/x.md")
    assert str(failure.value).startswith("de/x.md:1: A module file must be in a language folder")


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "nb").mkdir()
    path = tmp_path / "nb" / "x.md"
    path.write_bytes(FRONT.encode() + b"\n## Story\n\nBl\xe5b\xe6r\n")
    with pytest.raises(ContentError) as failure:
        parse_file(path, root=tmp_path, display_name="nb/x.md")
    assert str(failure.value) == "nb/x.md:12: The file is not UTF-8 text."
