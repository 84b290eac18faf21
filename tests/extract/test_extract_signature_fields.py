"""Signature fields from invented signatures laid out the ways real ones are.

Every person, company, number and address here is made up (555-01xx numbers, example domains).
"""

from __future__ import annotations

import time

from app.extract.signature import parse_signature, split_signature


def test_quote_marks_of_any_depth_are_removed() -> None:
    block = (
        "> > Priya Nandakumar\n> > Senior Analyst\n> > Lindqvist Freight Inc.\n"
        "> > ph: 312.555.0142\n"
    )
    sig = parse_signature(block, 0)
    assert (sig.name, sig.title, sig.company) == (
        "Priya Nandakumar",
        "Senior Analyst",
        "Lindqvist Freight Inc.",
    )
    assert sig.phones == ["+13125550142"]


def test_block_ends_at_a_quoted_header_the_reply_split_left_in() -> None:
    block = (
        "Tomas Reyes\nAccount Manager\n\nolder.sender@example.com wrote:\n"
        "To: someone.else@example.org\ncc: 312-555-0199"
    )
    sig = parse_signature(block, 0)
    assert (sig.name, sig.title) == ("Tomas Reyes", "Account Manager")
    assert sig.emails == [] and sig.phones == []


def test_block_ends_at_a_disclaimer() -> None:
    block = (
        "Brightwater Analytics Ltd.\n\nThis message and any attachments are confidential.\n"
        "If you receive this message in error, please delete it and notify the sender.\n"
    )
    sig = parse_signature(block, 0)
    assert sig.company == "Brightwater Analytics Ltd."
    assert sig.title is None


def test_prose_with_a_lowercase_title_word_is_no_title() -> None:
    sig = parse_signature("Nora Feld\nplease forward it and the deck\n", 0)
    assert sig.name == "Nora Feld" and sig.title is None


def test_attachments_listed_under_the_signature_are_skipped() -> None:
    text = (
        "Attached are the drafts we discussed.\n\nLena Marsh\nParalegal\n(312) 555-0131\n"
        "FAX:  (312) 555-0132\n\n - draft_v2.doc\n - schedule.xls\n"
    )
    reply, sig = split_signature(text)
    assert reply == "Attached are the drafts we discussed."
    assert sig is not None
    assert (sig.name, sig.title) == ("Lena Marsh", "Paralegal")
    assert sig.phones == ["+13125550131", "+13125550132"]


def test_a_wish_closes_the_message_like_a_sign_off() -> None:
    text = "The report is on the share.\n\nHave a nice day,\nOwen Castellano\n312-555-0107"
    reply, sig = split_signature(text)
    assert reply == "The report is on the share.\n\nHave a nice day,"
    assert sig is not None and sig.name == "Owen Castellano"


def test_a_team_or_desk_line_is_no_person() -> None:
    sig = parse_signature("Billing Support Team\n312-555-0175\n", 0)
    assert sig.name is None


def test_a_company_and_department_line_under_the_name_is_not_split_as_a_name() -> None:
    sig = parse_signature("Rosa Lindgren\nMaple Ridge Partners - Trading Desk\n312-555-0164\n", 0)
    assert sig.name == "Rosa Lindgren"
    assert "Maple Ridge Partners" in (sig.title or "") + (sig.company or "")
    assert sig.company != "Trading Desk"


def test_the_line_that_spells_the_mail_domain_is_the_company() -> None:
    block = "Ines Okoro\nSenior Consultant\nKestrel Byte\nines.okoro@kestrelbyte.example.com\n"
    sig = parse_signature(block, 0)
    assert (sig.name, sig.title, sig.company) == ("Ines Okoro", "Senior Consultant", "Kestrel Byte")


def test_a_free_mail_domain_names_no_company() -> None:
    sig = parse_signature("Ines Okoro\nGmail Power User\nines.okoro@gmail.com\n", 0)
    assert (sig.title, sig.company) == ("Gmail Power User", None)


def test_a_domain_line_in_the_title_place_moves_to_company() -> None:
    block = "Ines Okoro\nKestrel Byte\nines.okoro@kestrelbyte.com\n"
    sig = parse_signature(block, 0)
    assert (sig.name, sig.title, sig.company) == ("Ines Okoro", None, "Kestrel Byte")


def test_signature_above_a_phone_footer_is_found() -> None:
    text = (
        "Works for me.\n\nBest,\nMarta Quill\nOperations Director\n312-555-0188\n\n"
        "Sent from my iPhone"
    )
    reply, sig = split_signature(text)
    assert reply == "Works for me.\n\nBest,"
    assert sig is not None
    assert (sig.name, sig.title) == ("Marta Quill", "Operations Director")
    assert sig.phones == ["+13125550188"]


def test_a_phone_footer_alone_is_still_cut_from_the_reply() -> None:
    reply, sig = split_signature("Sure, sounds good.\n\nSent from my iPhone")
    assert reply == "Sure, sounds good."
    assert sig is not None and sig.name is None and sig.phones == []


def test_mailing_list_footer_and_dash_rules_around_the_block() -> None:
    text = (
        "The index rebuild fixed it.\n\n---------------\nJonas Wirth\nSearch Engineer\n"
        "Brambleweave Ltd. - www.brambleweave.example.com\n--\n"
        "View this message in context: http://lists.example.org/thread-42.html\n"
        "Sent from the Search - User mailing list archive at lists.example.org."
    )
    reply, sig = split_signature(text)
    assert reply == "The index rebuild fixed it."  # the rule above the block belongs to it
    assert sig is not None and sig.text.startswith("---------------\nJonas Wirth")
    assert (sig.name, sig.title, sig.company) == (
        "Jonas Wirth",
        "Search Engineer",
        "Brambleweave Ltd.",
    )
    assert sig.urls == ["www.brambleweave.example.com"]


def test_names_in_any_latin_script() -> None:
    sig = parse_signature("Émile Lefèvre-Dąbrowski\nProduct Designer\n+44 20 7946 0855\n", 0, "GB")
    assert (sig.name, sig.title) == ("Émile Lefèvre-Dąbrowski", "Product Designer")
    assert sig.phones == ["+442079460855"]


def test_credentials_after_the_name_are_no_title() -> None:
    sig = parse_signature("Hannah Voss, CPA\nTax Manager\nOrchard Lane Advisors LLP\n", 0)
    assert (sig.name, sig.title, sig.company) == (
        "Hannah Voss",
        "Tax Manager",
        "Orchard Lane Advisors LLP",
    )


def test_title_and_company_on_one_line() -> None:
    for line, title, company in (
        ("Head of Partnerships | Quillfeather GmbH", "Head of Partnerships", "Quillfeather GmbH"),
        (
            "Solutions Architect, Tidewell Systems Inc.",
            "Solutions Architect",
            "Tidewell Systems Inc.",
        ),
        (
            "Regional Sales Director at Fernhill Logistics",
            "Regional Sales Director",
            "Fernhill Logistics",
        ),
        ("Senior Counsel, NWX", "Senior Counsel", "NWX"),
        ("Director, Business Development", "Director, Business Development", None),
        ("VP, Marketing | Brookvale Corp", "VP, Marketing", "Brookvale Corp"),
    ):
        sig = parse_signature(f"Colm Ashby\n{line}\n312-555-0113\n", 0)
        assert (sig.name, sig.title, sig.company) == ("Colm Ashby", title, company), line


def test_name_on_the_sign_off_line() -> None:
    text = "I'll send the revised quote today.\n\nBest regards, Dana Whitfield\n312-555-0190"
    reply, sig = split_signature(text)
    assert reply == "I'll send the revised quote today.\n\nBest regards,"
    assert sig is not None and sig.name == "Dana Whitfield"
    assert sig.phones == ["+13125550190"]
    assert text[sig.start : sig.end] == sig.text


def test_a_long_rule_above_a_question_is_no_signature_delimiter() -> None:
    text = (
        "Numbers for the pilot are below.\n\n------------\n"
        "Can you confirm the 40 seats by Friday, or should we hold the order until the "
        "budget review next month?\n"
    )
    reply, sig = split_signature(text)
    assert sig is None and reply == text


def test_a_company_name_alone_closes_the_message() -> None:
    reply, sig = split_signature("Looks fine to me.\n\n\tWillowmere Freight Co.")
    assert reply == "Looks fine to me."
    assert sig is not None and sig.company == "Willowmere Freight Co."
    text = "Looks fine to me.\n\nI will send it to the Finance Group"
    assert split_signature(text) == (text, None)


def test_honorifics_and_generational_suffixes_keep_a_name() -> None:
    for block, name in (
        ("Dr. Ada Kowalczyk\nChief Scientist\nPinecrest Labs Inc.\n", "Dr. Ada Kowalczyk"),
        ("Ada Kowalczyk Jr.\nSr. Analyst\nPinecrest Labs Inc.\n", "Ada Kowalczyk Jr."),
        ("Ada Kowalczyk, Jr.\nSenior Analyst\nPinecrest Labs Inc.\n", "Ada Kowalczyk"),
    ):
        sig = parse_signature(block, 0)
        assert sig.name == name
        assert sig.title in ("Chief Scientist", "Sr. Analyst", "Senior Analyst")
        assert sig.company == "Pinecrest Labs Inc."


def test_long_dotted_junk_costs_linear_time() -> None:
    start = time.perf_counter()
    for text in ("-" + "a." * 20_000, "Hi\n--\n" + "a." * 20_000, "b_" * 20_000 + "@x.example.com"):
        split_signature(text)
    assert time.perf_counter() - start < 5  # was minutes: the URL pattern backtracked
