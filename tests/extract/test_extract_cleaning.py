"""Cleaning, reply splitting and signatures: only the new part is analysed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.extract import EmailIn, Extractor
from app.extract.clean import clean_body
from app.extract.reply import split_reply
from app.extract.signature import split_signature

NEW = "Sounds good, I'll send it over."
QUOTES = {
    "outlook": "________________________________\nFrom: Dana Whitfield <dana@halvorsenfoods.com>\n"
    "Sent: Tuesday, November 17, 2026 9:14 AM\nTo: Jonah Feld\nSubject: RE: quote\n\nOld text.",
    "outlook_de": "Von: Dana Whitfield <dana@halvorsenfoods.com>\nGesendet: Dienstag, 17. November "
    "2026 09:14\nAn: Jonah Feld\nBetreff: AW: Angebot\n\nAlter Text.",
    "outlook_fr": "De : Claire Dubois\nEnvoyé : mardi 17 novembre 2026 09:14\nÀ : Jonah Feld\n"
    "Objet : RE: devis\n\nAncien texte.",
    "gmail_wrapped": "On Tue, Nov 17, 2026 at 9:14 AM Dana Whitfield <dana@halvorsenfoods.com>\n"
    "wrote:\n> Old text.",
    "original_message": "-----Original Message-----\nFrom: Dana\nSent: 11/17/2026\n\nOld text.",
    "forwarded": "---------- Forwarded message ---------\nFrom: Dana <d@x.com>\n\nOld text.",
    "lotus": "Dana Whitfield\n11/17/2026 09:14 AM\nTo: Jonah Feld/NW@NW\ncc:\n"
    "Subject: quote\n\nOld.",
    "date_first_block": "Date: Tue, 17 Nov 2026 09:14:02 +0100\nTo: jonah@example.com\n"
    "Subject: quote\n\nOld text.",
    "address_colon": "17.11.2026, 09:14, Dana Whitfield <dana@halvorsenfoods.com>:\n\nOld text.",
    "dated_verb_last": "ti 17. marraskuuta 2026 klo 9.14 Dana Whitfield\n"
    "<dana@halvorsenfoods.com> kirjoitti:\n\nOld text.",
}


@pytest.mark.parametrize("style", sorted(QUOTES))
def test_the_quoted_history_is_split_off(style: str) -> None:
    new, history = split_reply(f"{NEW}\n\n{QUOTES[style]}")
    assert new == NEW and history.strip().endswith(("text.", "texte.", "Text.", "Old."))


def test_text_below_a_quote_is_the_writers_again_but_a_footer_under_it_is_not() -> None:
    body = (
        "On Tue, Nov 17, 2026 at 9:14 AM, Dana Whitfield wrote:\n"
        "> Can you send the quote?\n> And the order form?\nHere it is.\n\n> Thanks.\n"
        "The form follows tomorrow.\n\n> Thanks,\n> Dana\n> Halvorsen Foods\n\n"
        "______________________\nHalvorsen list footer"
    )
    new, history = split_reply(body)
    assert new == "Here it is.\n\nThe form follows tomorrow."
    assert "Can you send the quote?" in history and history.endswith("Halvorsen list footer")


def test_a_phone_footer_ends_the_new_part_and_one_in_a_sentence_is_prose() -> None:
    new, history = split_reply(f"{NEW}\n\nSent from my Fairphone\n\nOld text.")
    assert (new, history.strip()) == (f"{NEW}\n\nSent from my Fairphone", "Old text.")
    assert split_signature(new)[0] == NEW  # the footer stays out of the reply text
    body = "Here it is.\n\nSent from my desk, which is easier than my phone.\n\nMore news soon."
    assert split_reply(body) == (body, "")


@pytest.mark.parametrize(
    "html",
    [
        '<div>Sounds good, I\'ll send it over.</div><div class="gmail_quote">On Tue <b>Dana</b> '
        "wrote:<blockquote>Old text.</blockquote></div>",
        '<div>Sounds good, I\'ll send it over.</div><hr><div id="divRplyFwdMsg"><b>From:</b> '
        "Dana<br><b>Sent:</b> Tuesday</div><div>Old text.</div>",
    ],
)
def test_html_quote_containers_are_cut(html: str) -> None:
    text = clean_body(html, "html").text
    assert split_reply(text)[0] == NEW


def test_outlook_html_becomes_readable_lines() -> None:
    html = (
        "<html><head><style>p{margin:0}</style></head><body><p class=MsoNormal>Hi&nbsp;Dana,</p>"
        "<p class=MsoNormal>Could you send the <b>signed</b> MSA?<o:p></o:p></p><table><tr>"
        "<td>Seats</td><td>40</td></tr></table></body></html>"
    )
    assert clean_body(html, "html").text == "Hi Dana,\nCould you send the signed MSA?\nSeats 40"


def test_signature_feeds_the_contact() -> None:
    text = (
        "Thanks for the call.\n\nBest regards,\nDana Whitfield\nVP Procurement\nHalvorsen Foods\n"
        "M: +1 312 555 0187\ndana.whitfield@halvorsenfoods.com\nwww.halvorsenfoods.com"
    )
    reply, sig = split_signature(text)
    assert reply == "Thanks for the call.\n\nBest regards,"
    assert sig is not None
    assert (sig.name, sig.title, sig.company) == (
        "Dana Whitfield",
        "VP Procurement",
        "Halvorsen Foods",
    )
    assert sig.phones == ["+13125550187"]
    assert sig.emails == ["dana.whitfield@halvorsenfoods.com"]
    assert sig.urls == ["www.halvorsenfoods.com"]
    assert text[sig.start : sig.end] == sig.text


def test_one_line_signature_with_separators_and_a_uk_number() -> None:
    text = (
        "See you Thursday.\n\n--\nGrace O'Connell | Legal Counsel | Asterwood Labs Ltd\n"
        "T: 020 7946 0321"
    )
    _, sig = split_signature(text, region="GB")
    assert sig is not None
    assert (sig.name, sig.title, sig.company) == (
        "Grace O'Connell",
        "Legal Counsel",
        "Asterwood Labs Ltd",
    )
    assert sig.phones == ["+442079460321"]


def test_no_signature_in_plain_prose() -> None:
    assert split_signature("Could you send the signed MSA? We want to start on Monday.")[1] is None


def test_signature_text_is_not_analysed_for_commitments(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    body = (
        "Thanks!\n\nCheers,\nAiko Tanabe\nCustomer Success Manager | Northwind Traders\n"
        "Please consider the environment before printing this email."
    )
    res = blank_extractor.extract(make_email(body))
    assert res.commitments == [] and res.signature is not None
    assert res.signature.name == "Aiko Tanabe"
