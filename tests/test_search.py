"""Contact and account search as the seller's home uses it: before anything is typed, an
empty or missing ``q`` lists everyone the seller may see, most active first, paged."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.world import MAYA, TOM


def listed(client: FlaskClient, headers: dict[str, str], path: str, **params: Any) -> Any:
    resp = client.get(path, query_string=params, headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def every_page(client: FlaskClient, headers: dict[str, str], path: str,
               page_size: int) -> list[Any]:
    """Every item of the empty-``q`` list, read page by page until ``has_more`` is false."""
    items: list[Any] = []
    for page in range(1, 20):
        body = listed(client, headers, path, page=page, page_size=page_size)
        assert body["page"] == page and body["page_size"] == page_size
        items += body["items"]
        if not body["has_more"]:
            return items
    raise AssertionError("the list never ended")


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}])
def test_an_empty_search_lists_contacts_most_active_first(client, auth, world, params) -> None:
    body = listed(client, auth(MAYA[1]), "/api/v1/contacts", **params)
    names = [c["name"] for c in body["items"]]
    counts = [c["interaction_count"] for c in body["items"]]
    # Jonas (three mails with us) leads; Ruth (one intro mail) is there too
    assert names[0] == "Jonas Weber" and counts[0] == 3
    assert "Ruth Hale" in names
    assert counts == sorted(counts, reverse=True)
    assert body["has_more"] is False


def test_the_empty_contact_list_pages_without_losing_or_repeating_anyone(
        client, auth, world) -> None:
    h = auth(TOM[1])
    whole = listed(client, h, "/api/v1/contacts", page_size=100)["items"]
    assert len(whole) >= 3
    paged = every_page(client, h, "/api/v1/contacts", page_size=1)
    assert [c["id"] for c in paged] == [c["id"] for c in whole]
    first = listed(client, h, "/api/v1/contacts", page_size=1)
    assert len(first["items"]) == 1 and first["has_more"] is True


def test_the_empty_contact_list_leaves_out_what_the_seller_may_not_see(
        client, auth, world) -> None:
    # Sam Ortiz is known only from Tom's mail to a free-mail address: private to Tom
    mayas = [c["name"] for c in listed(client, auth(MAYA[1]), "/api/v1/contacts")["items"]]
    toms = [c["name"] for c in listed(client, auth(TOM[1]), "/api/v1/contacts")["items"]]
    assert "Sam Ortiz" in toms and "Sam Ortiz" not in mayas
    # another tenant's seller sees their own tenant's contacts only
    leas = listed(client, auth("lea@corvane.com"), "/api/v1/contacts")["items"]
    assert [c["name"] for c in leas] == ["Jonas Weber"]
    assert leas[0]["interaction_count"] == 1  # Corvane's one mail, not Brightloop's three


@pytest.mark.parametrize("params", [{}, {"q": ""}])
def test_an_empty_search_lists_accounts_most_active_first(client, auth, world, params) -> None:
    body = listed(client, auth(MAYA[1]), "/api/v1/accounts", **params)
    assert [a["name"] for a in body["items"]] == ["Harbourline Freight", "Kestrelfoods"]
    assert body["items"][0]["domains"] == ["harbourline-freight.com"]
    paged = every_page(client, auth(MAYA[1]), "/api/v1/accounts", page_size=1)
    assert [a["id"] for a in paged] == [a["id"] for a in body["items"]]
    corvane = listed(client, auth("lea@corvane.com"), "/api/v1/accounts")["items"]
    assert [a["name"] for a in corvane] == ["Harbourline Freight"]


def test_a_typed_search_still_narrows_the_list(client, auth, world) -> None:
    h = auth(MAYA[1])
    assert [c["name"] for c in listed(client, h, "/api/v1/contacts", q=" RUTH ")["items"]] \
        == ["Ruth Hale"]
    assert listed(client, h, "/api/v1/contacts", q="%")["items"] == []  # no wildcard
    assert [a["name"] for a in listed(client, h, "/api/v1/accounts", q="kestrel")["items"]] \
        == ["Kestrelfoods"]
