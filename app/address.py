"""The one shape of a mail participant, shared by every boundary: Graph's recipients
(app/graph), the extraction's input (app/extract) and the people the record is given
(app/records). A leaf module: it imports nothing of the project."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Address:
    """A person on an email or meeting: the SMTP address and the display name (may be "")."""

    address: str
    name: str = ""
