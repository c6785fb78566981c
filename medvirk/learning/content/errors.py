"""Problems found in a module's text, each with the line it is on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentProblem:
    line: int
    message: str


class ContentError(Exception):
    """A module file (or a module written in the app) that cannot be loaded.

    ``str()`` gives one ``file:line: message`` line per problem, the form
    editors and compilers use, so a terminal can jump to the line.
    """

    def __init__(self, filename: str, problems: list[ContentProblem]) -> None:
        self.filename = filename
        self.problems = sorted(problems, key=lambda problem: problem.line)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(
            f"{self.filename}:{problem.line}: {problem.message}" for problem in self.problems
        )
