"""The stand-in's mailboxes: items per folder with a change sequence, so delta rounds can say
exactly what changed since a token, including ``@removed`` entries.

Resources are kept as zlib-compressed JSON so a 100,000-message mailbox fits in memory.
"""

from __future__ import annotations

import gc
import json
import threading
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.dev.sample.resources import folder_id, item_id

MAIL_FOLDERS = ("inbox", "sentitems", "archive", "deleteditems")
FOLDERS = (*MAIL_FOLDERS, "calendar")


@dataclass
class Item:
    """One item of a folder and the sequence numbers of its changes."""

    id: str
    blob: bytes
    sort_key: str  # receivedDateTime of a message, start of an event
    end_key: str
    created: int
    changed: int
    deleted: int | None = None

    def resource(self) -> dict[str, Any]:
        """Gives the stored Graph resource."""
        return json.loads(zlib.decompress(self.blob))


@dataclass
class Folder:
    """A folder's items, in arrival order, and the generation its delta tokens belong to."""

    name: str
    id: str
    items: dict[str, Item] = field(default_factory=dict)
    generation: int = 0


@dataclass
class Mailbox:
    """A user's mailbox: identity and folders."""

    address: str
    oid: str
    display_name: str
    folders: dict[str, Folder] = field(default_factory=dict)
    tenant_id: str = ""  # the tenant whose tokens it serves (empty: the store's, if any)


def _keys(resource: dict[str, Any]) -> tuple[str, str]:
    if "start" in resource:
        return resource["start"]["dateTime"][:19], resource["end"]["dateTime"][:19]
    stamp = resource.get("receivedDateTime") or resource.get("sentDateTime") or ""
    return stamp[:19], stamp[:19]


class Store:
    """All mailboxes, behind one lock; every change takes the next sequence number."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.seq = 0
        self.mailboxes: dict[str, Mailbox] = {}
        self.tenant_id = ""
        self._listings: OrderedDict[tuple, list[Item]] = OrderedDict()

    def add_mailbox(self, address: str, oid: str, display_name: str) -> Mailbox:
        """Creates (or gives) the mailbox of a user."""
        with self.lock:
            key = address.lower()
            if key not in self.mailboxes:
                box = Mailbox(address, oid, display_name)
                for name in FOLDERS:
                    box.folders[name] = Folder(name, folder_id(address, name))
                self.mailboxes[key] = box
            return self.mailboxes[key]

    def mailbox(self, user: str) -> Mailbox | None:
        """Finds a mailbox by user principal name / address or object id."""
        with self.lock:
            found = self.mailboxes.get(user.lower())
            return found or next((b for b in self.mailboxes.values()
                                  if b.oid.lower() == user.lower()), None)

    def folder(self, box: Mailbox, name_or_id: str) -> Folder | None:
        """Finds a folder by well-known name (any case) or by id."""
        wanted = name_or_id.strip("()'\"")
        found = box.folders.get(wanted.lower())
        return found or next((f for f in box.folders.values() if f.id == wanted), None)

    def put(self, box: Mailbox, folder: str, resource: dict[str, Any]) -> dict[str, Any]:
        """Adds or replaces an item (a replaced item counts as updated) and gives it back."""
        with self.lock:
            self.seq += 1
            target = box.folders[folder]
            resource.setdefault("id", item_id(box.address, f"added:{uuid.uuid4()}"))
            if folder != "calendar":
                resource["parentFolderId"] = target.id
            sort_key, end_key = _keys(resource)
            blob = zlib.compress(json.dumps(resource, separators=(",", ":")).encode(), 3)
            old = target.items.get(resource["id"])
            created = old.created if old and old.deleted is None else self.seq
            target.items[resource["id"]] = Item(resource["id"], blob, sort_key, end_key,
                                                created, self.seq)
            self._listings.clear()
            return resource

    def load(self, items: Iterable[tuple[str, str, dict[str, Any]]]) -> int:
        """Adds ``(mailbox, folder, resource)`` triples (the sample's stream); gives the count."""
        n = 0
        gc.disable()  # a long-lived pile of new objects makes every full collection slower
        try:
            n = self._load(items)
        finally:
            gc.enable()
        return n

    def _load(self, items: Iterable[tuple[str, str, dict[str, Any]]]) -> int:
        n = 0
        with self.lock:
            for address, folder, resource in items:
                box = self.mailboxes[address.lower()]
                self.seq += 1
                sort_key, end_key = _keys(resource)
                blob = zlib.compress(json.dumps(resource, separators=(",", ":")).encode(), 3)
                box.folders[folder].items[resource["id"]] = Item(
                    resource["id"], blob, sort_key, end_key, self.seq, self.seq)
                n += 1
            self._listings.clear()
        return n

    def find(self, box: Mailbox, item: str, *, calendar: bool = False) -> tuple[Folder, Item]:
        """Finds a live item in any mail folder (or the calendar); raises KeyError."""
        with self.lock:
            for folder in box.folders.values():
                if (folder.name == "calendar") != calendar:
                    continue
                found = folder.items.get(item)
                if found and found.deleted is None:
                    return folder, found
        raise KeyError(item)

    def delete(self, box: Mailbox, item: str) -> Folder:
        """Deletes an item for good (delta rounds report it as ``@removed``)."""
        with self.lock:
            try:
                folder, found = self.find(box, item)
            except KeyError:
                folder, found = self.find(box, item, calendar=True)
            self.seq += 1
            found.deleted = found.changed = self.seq
            self._listings.clear()
            return folder

    def move(self, box: Mailbox, item: str, destination: str) -> dict[str, Any]:
        """Moves a message to another folder; like Graph, the moved copy gets a new id."""
        with self.lock:
            _, found = self.find(box, item)
            resource = found.resource()
            self.delete(box, item)
            resource["id"] = item_id(box.address, f"moved:{item}:{self.seq}")
            return self.put(box, destination, resource)

    def listing(self, folder: Folder, *, at: int, since: str, desc: bool) -> list[Item]:
        """The items that were live at sequence ``at`` (an initial round's snapshot), sorted."""
        key = (id(folder), folder.generation, at, since, desc)
        with self.lock:
            cached = self._listings.get(key)
            if cached is None:
                cached = [i for i in folder.items.values()
                          if i.created <= at and (i.deleted is None or i.deleted > at)
                          and i.sort_key >= since]
                cached.sort(key=lambda i: (i.sort_key, i.id), reverse=desc)
                self._listings[key] = cached
                while len(self._listings) > 32:
                    self._listings.popitem(last=False)
            return cached

    def changes(self, folder: Folder, *, after: int, upto: int) -> list[Item]:
        """Items changed after ``after`` up to ``upto``, each once, in change order."""
        with self.lock:
            changed = [i for i in folder.items.values() if after < i.changed <= upto
                       and not (i.deleted is not None and i.created > after)]
        return sorted(changed, key=lambda i: i.changed)
