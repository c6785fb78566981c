"""The private file storage: documents and attachments served only through views that check access.

Model fields name ``private_storage`` (a callable) rather than a storage
object, so the storage is looked up in ``settings.STORAGES["private"]`` when
it is first used, never at import time (the tests point it at a throw-away
folder). Migrations refer to it through each models module
(``medvirk.councils.models.private_storage``), which imports it from here.
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    """The storage configured as ``STORAGES["private"]``: never under ``MEDIA_URL``."""
    return storages["private"]
