"""Extraction: promises, requests, deal signals, signatures and entities from one email.

Pure (no Flask, no database, no network) and nothing happens at import: build one
:class:`Extractor` per process and pass it in.

    from app.extract import EmailIn, Extractor

    extractor = Extractor.from_settings(settings.spacy_model)  # once; falls back to rules
    results = extractor.extract_many(
        emails,                      # Iterable[EmailIn]
        known_orgs=account_names,    # tenant's accounts -> entity ruler (ORG)
        known_people=contact_names,  # tenant's contacts -> entity ruler (PERSON)
        competitors=competitor_names,
    )                                # -> list[ExtractionResult], same order

Each :class:`ExtractionResult` has ``reply_text`` (the new part, without quoted history and
signature; all offsets point into it), ``signature`` (name, title, company, phones in E.164,
emails, urls, text, start/end), ``commitments`` (kind ``promise``|``request``, owner
``sender``|``recipient``, action, due ``date`` or None, text, start, end, confidence),
``signals`` (kind, value, text, start, end, confidence), ``entities`` (PERSON/ORG),
``people`` (name, role, start, end: people named with their role),
``truncated`` and ``notes`` (what was capped or skipped). ``to_dict()`` gives the JSON shape of
``python -m app.extract``. Owners are relative to the mail: in sent mail a promise is ours,
in received mail it is the customer's.
"""

from __future__ import annotations

from .pipeline import DEFAULT_MODEL, Extractor, ModelMissingWarning, build_nlp
from .types import (
    SIGNAL_KINDS,
    Address,
    Commitment,
    EmailIn,
    Entity,
    ExtractionResult,
    PersonMention,
    Signal,
    Signature,
)

__all__ = [
    "DEFAULT_MODEL",
    "SIGNAL_KINDS",
    "Address",
    "Commitment",
    "EmailIn",
    "Entity",
    "ExtractionResult",
    "Extractor",
    "ModelMissingWarning",
    "PersonMention",
    "Signal",
    "Signature",
    "build_nlp",
]
