"""Learning content: the module format's parser (see docs/learning-content.md)."""

from medvirk.learning.content.errors import ContentError, ContentProblem
from medvirk.learning.content.parser import (
    ParsedLesson,
    ParsedModule,
    ParsedOption,
    ParsedQuestion,
    parse_file,
    parse_module,
)

__all__ = [
    "ContentError",
    "ContentProblem",
    "ParsedLesson",
    "ParsedModule",
    "ParsedOption",
    "ParsedQuestion",
    "parse_file",
    "parse_module",
]
