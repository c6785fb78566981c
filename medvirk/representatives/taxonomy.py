"""The first taxonomy of lived experience an installation gets (administrators edit it).

Migration 0002 seeded these names when the table was made; the demo makes
sure they exist too, since a flushed test database has no migration data.
"""

DEFAULT_AREAS = (
    "Psykisk helse",
    "Rus",
    "Kronisk sykdom",
    "Funksjonsnedsettelse",
    "Eldre",
    "Pårørende",
    "Barn og unge",
    "Demens",
    "Kreft",
    "Minoritetsbakgrunn",
    "Utviklingshemming",
    "Hjemmetjenester",
)


def ensure_default_areas() -> None:
    """Create any of the default areas that is missing (never renames or removes)."""
    from medvirk.representatives.models import ExperienceArea

    for position, name in enumerate(DEFAULT_AREAS):
        ExperienceArea.objects.get_or_create(name=name, defaults={"position": position})
