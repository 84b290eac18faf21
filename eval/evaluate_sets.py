"""Scoring on the development sets in ``../shared/datasets`` (aggregate numbers only).

The texts are real people's mail: nothing here writes any of it out.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from app.extract.io import email_from_json
from app.extract.pipeline import Extractor
from app.extract.reply import quote_start, split_reply
from app.extract.signature import parse_signature, split_signature
from eval.evaluate import PRF, _field, _norm

SIG_FIELDS = {
    "Name": "name",
    "Position": "title",
    "Organisation": "company",
    "Phone": "phones",
    "Fax": "phones",
    "Mail": "emails",
}


INTENT_SENT_AT = "2026-06-03T12:00:00+00:00"  # a Wednesday; only whether a due resolves matters


def intent_half(row_id: str) -> str:
    """The half of the intent set a row belongs to, by a stable hash of its id: "A" is the
    half the rules were developed on (its errors were read), "B" is held out (only its
    aggregate figures are looked at)."""
    return "A" if hashlib.sha1(row_id.encode("utf-8")).digest()[0] % 2 == 0 else "B"


def score_intent_halves(
    rows: Iterable[dict[str, Any]], extractor: Extractor
) -> dict[str, dict[str, Any]]:
    """:func:`score_intent` on the whole set and on each half (see :func:`intent_half`)."""
    rows = list(rows)
    tallies = {"all": PRF(), "dev_half_A": PRF(), "heldout_half_B": PRF()}
    for r, hit in zip(rows, _intent_hits(rows, extractor), strict=True):
        half = "dev_half_A" if intent_half(r["id"]) == "A" else "heldout_half_B"
        for key in ("all", half):
            _field(tallies[key], {"x"} if r["label"] else set(), {"x"} if hit else set())
    return {k: t.as_dict() for k, t in tallies.items()}


def score_intent(rows: Iterable[dict[str, Any]], extractor: Extractor) -> dict[str, Any]:
    """Sentence-level requests/commitments, as the set defines them: a request or proposal
    to the reader, or a commitment that states a time (our promises without one do not count).
    """
    rows = list(rows)
    tally = PRF()
    for r, hit in zip(rows, _intent_hits(rows, extractor), strict=True):
        _field(tally, {"x"} if r["label"] else set(), {"x"} if hit else set())
    return tally.as_dict()


def _intent_hits(rows: list[dict[str, Any]], extractor: Extractor) -> list[bool]:
    # the rows carry no date; any sent day lets a stated time resolve to a day, while a vague
    # "soon" stays without one (due is None), as it does in the product
    emails = [
        email_from_json({"id": r["id"], "body": r["text"], "sent_at": INTENT_SENT_AT}) for r in rows
    ]
    return [
        any(c.kind == "request" or c.due is not None for c in res.commitments)
        for res in extractor.extract_many(emails)
    ]


def _gold_zone_fields(row: dict[str, Any], cut: int) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = {k: set() for k in ("name", "title", "company", "phones", "emails")}
    for s in row["spans"]:
        kind = s["type"].rsplit("/", 1)[-1]
        in_sig = s["type"].startswith("Body/Signature/") and kind in SIG_FIELDS
        # a full name in the sign-off ("Thanks,\nKate Symes") is the contact's name as well
        outro_name = s["type"] == "Body/Outro/Name" and len(s["text"].split()) >= 2
        if s["start"] < cut and (in_sig or outro_name):
            field = "name" if outro_name else SIG_FIELDS[kind]
            gold[field].add(_field_norm(field, s["text"]))
    return gold


def _field_norm(field: str, value: str) -> str:
    if field == "phones":
        return re.sub(r"\D", "", value)[-10:]
    return " ".join(value.lower().replace(",", " ").split())


def score_signature_zone_halves(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """:func:`score_signature_zones` on all emails and on each half of them, split by the same
    stable hash of the email id as the intent set (:func:`intent_half`): "A" is the half whose
    errors were read while developing the signature rules, "B" is held out (aggregates only)."""
    rows = list(rows)
    return {
        "all": score_signature_zones(rows),
        "dev_half_A": score_signature_zones(r for r in rows if intent_half(r["id"]) == "A"),
        "heldout_half_B": score_signature_zones(r for r in rows if intent_half(r["id"]) == "B"),
    }


def score_signature_block_halves(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """:func:`score_signature_blocks` on all blocks and on each half, by the block's email id
    (so a block falls in the same half as its email in :func:`score_signature_zone_halves`)."""
    rows = list(rows)
    return {
        "all": score_signature_blocks(rows),
        "dev_half_A": score_signature_blocks(r for r in rows if intent_half(r["email_id"]) == "A"),
        "heldout_half_B": score_signature_blocks(
            r for r in rows if intent_half(r["email_id"]) == "B"
        ),
    }


def score_signature_zones(rows: Iterable[dict[str, Any]], use_model: bool = True
                          ) -> dict[str, Any]:
    """Signature fields end to end (reply split, block finding, parsing) on labelled zones
    (``use_model=False``: the rules alone, without the trained line model)."""
    per: dict[str, PRF] = {}
    total = PRF()
    emails = 0
    for row in rows:
        if not row.get("has_detailed_annotation"):
            continue
        emails += 1
        text = row["text"]
        heads = [s["start"] for s in row["spans"] if s["type"] == "Header"]
        gold = _gold_zone_fields(row, min(heads) if heads else len(text))
        pred = _zone_prediction(text, gold, use_model)
        for k in gold:
            t = per.setdefault(k, PRF())
            _field(t, gold[k], pred[k])
    for t in per.values():
        total.add(t)
    return {
        "emails": emails,
        "micro": total.as_dict(),
        "by_field": {k: v.as_dict() for k, v in sorted(per.items())},
    }


def _zone_prediction(text: str, gold: dict[str, set[str]], use_model: bool
                     ) -> dict[str, set[str]]:
    _, sig = split_signature(split_reply(text)[0], use_model=use_model)
    pred: dict[str, set[str]] = {k: set() for k in gold}
    if sig is not None:
        for k in ("name", "title", "company"):
            if getattr(sig, k):
                pred[k].add(_field_norm(k, getattr(sig, k)))
        pred["phones"] = {_field_norm("phones", p) for p in sig.phones}
        pred["emails"] = {_field_norm("emails", e) for e in sig.emails}
    return pred


def signature_errors(rows: Iterable[dict[str, Any]], use_model: bool = True
                     ) -> list[dict[str, Any]]:
    """The wrong name/title/company fields end to end, per email: for reading DEV errors
    only (the caller never passes test rows)."""
    out = []
    for row in rows:
        if not row.get("has_detailed_annotation"):
            continue
        heads = [s["start"] for s in row["spans"] if s["type"] == "Header"]
        gold = _gold_zone_fields(row, min(heads) if heads else len(row["text"]))
        pred = _zone_prediction(row["text"], gold, use_model)
        wrong = {k: {"gold": sorted(gold[k]), "pred": sorted(pred[k])}
                 for k in ("name", "title", "company") if gold[k] != pred[k]}
        if wrong:
            out.append({"id": row["id"], **wrong})
    return out


def score_signature_blocks(rows: Iterable[dict[str, Any]], use_model: bool = True
                           ) -> dict[str, Any]:
    """Signature fields given the labelled signature block (parsing alone)."""
    total = PRF()
    per: dict[str, PRF] = {}
    blocks = 0
    for row in rows:
        if not row.get("signature_text"):
            continue
        blocks += 1
        sig = parse_signature(row["signature_text"], 0, use_model=use_model)
        fields = row["fields"]
        gold = {
            "name": {_field_norm("name", v) for v in fields.get("name", [])},
            "title": {_field_norm("title", v) for v in fields.get("position", [])},
            "company": {_field_norm("company", v) for v in fields.get("organisation", [])},
            "phones": {
                _field_norm("phones", v) for v in fields.get("phone", []) + fields.get("fax", [])
            },
            "emails": {_field_norm("emails", v) for v in fields.get("mail", [])},
        }
        pred = {
            "name": {_field_norm("name", sig.name)} if sig.name else set(),
            "title": {_field_norm("title", sig.title)} if sig.title else set(),
            "company": {_field_norm("company", sig.company)} if sig.company else set(),
            "phones": {_field_norm("phones", p) for p in sig.phones},
            "emails": {_field_norm("emails", e) for e in sig.emails},
        }
        for k in gold:
            _field(total, gold[k], pred[k])
            _field(per.setdefault(k, PRF()), gold[k], pred[k])
    return {
        "blocks": blocks,
        **total.as_dict(),
        "by_field": {k: v.as_dict() for k, v in sorted(per.items())},
    }


def score_reply_splitters(
    rows: Iterable[dict[str, Any]], splitters: dict[str, Callable[[str], str]]
) -> dict[str, Any]:
    """Compares reply splitters on labelled quoted-header zones (new part vs. gold new part)."""
    rows = [r for r in rows]
    out: dict[str, Any] = {}
    for name, split in splitters.items():
        exact = leak = lost = 0
        for row in rows:
            text = row["text"]
            heads = [s["start"] for s in row["spans"] if s["type"] == "Header"]
            gold = _norm(text[: min(heads) if heads else len(text)]).split()
            pred = _norm(split(text) or "").split()
            common = sum((Counter(gold) & Counter(pred)).values())
            exact += common >= 0.98 * max(len(gold), len(pred))
            leak += len(pred) > len(gold) + 3
            lost += len(pred) < 0.8 * len(gold)
        n = max(1, len(rows))
        out[name] = {
            "new_part_correct": round(exact / n, 3),
            "quote_leaked": round(leak / n, 3),
            "new_text_lost": round(lost / n, 3),
            "emails": len(rows),
        }
    return out


def ours(text: str) -> str:
    """Our splitter as a ``text -> new part`` function, for the comparison."""
    cut = quote_start(text)
    return text if cut is None else text[:cut]
