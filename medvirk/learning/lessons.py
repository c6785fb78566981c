"""How progress names a lesson, independent of language and of lessons added before it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def lesson_slots(kinds: Sequence[str]) -> list[str]:
    """The slot of each lesson: its kind and its number among lessons of that kind.

    >>> lesson_slots(["story", "story", "quiz", "reflection", "story"])
    ['story-0', 'story-1', 'quiz-0', 'reflection-0', 'story-2']
    """
    seen: Counter[str] = Counter()
    slots = []
    for kind in kinds:
        slots.append(f"{kind}-{seen[kind]}")
        seen[kind] += 1
    return slots
