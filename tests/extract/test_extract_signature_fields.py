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


def test_a_plain_line_by_its_place_is_shaped_like_a_title() -> None:
    # a lower-case sentence under the name is no title; nor a form field "Key : value"
    sig = parse_signature("Jeff Marrow\nM: 312-555-0144\n\nMore on this later\n", 0)
    assert sig.name == "Jeff Marrow" and sig.title is None and sig.company is None
    sig = parse_signature(
        "Ticket ID   : 0000471\nQueue Name  : Ledger Review Manager\nQueue Type  : Apps\n"
        "owner@example.com\n", 0)
    assert (sig.title, sig.company) == (None, None)


def test_a_sentence_ending_in_a_company_word_is_no_company() -> None:
    sig = parse_signature(
        "Ask us about our managed services\nhttp://help.example.com\n", 0)
    assert sig.company is None
    sig = parse_signature("Dana Whitfield\nThe manager will call you back\n312-555-0101\n", 0)
    assert sig.title is None


def test_a_company_tagline_line_is_no_title_by_its_place() -> None:
    sig = parse_signature("Corin Hale\nPellbrook - Ledgers For Small Shops\n312-555-0122\n", 0)
    assert sig.name == "Corin Hale" and sig.title is None
    assert sig.company == "Pellbrook - Ledgers For Small Shops"


def test_a_second_title_line_is_no_company() -> None:
    block = ("Mira Santos\nAssistant to Paul Okonjo\nChief Financial Officer\nVantor Fields LLC\n"
             "312-555-0150\n")
    sig = parse_signature(block, 0)
    assert (sig.name, sig.title, sig.company) == (
        "Mira Santos", "Assistant to Paul Okonjo", "Vantor Fields LLC")
    sig = parse_signature(block.replace(" LLC", ""), 0)  # no suffix: the line by its place
    assert (sig.title, sig.company) == ("Assistant to Paul Okonjo", "Vantor Fields")


def test_a_company_by_its_suffix_beats_a_plain_line_taken_by_its_place() -> None:
    block = ("Ilse Brandt\nResearch Fellow\nLanguage Lab\nThe University of Carrow at Lindfield\n"
             "312-555-0161\n")
    sig = parse_signature(block, 0)
    assert (sig.title, sig.company) == ("Research Fellow", "The University of Carrow at Lindfield")


def test_a_labelled_contact_later_in_the_company_line_is_dropped() -> None:
    block = "Rob Delane\nExecutive Assistant\nHalden Mills, Inc. tel: 312-555-0170\n"
    sig = parse_signature(block, 0)
    assert (sig.title, sig.company) == ("Executive Assistant", "Halden Mills, Inc.")
    assert sig.phones == ["+13125550170"]


def test_a_business_function_after_the_title_stays_with_it() -> None:
    sig = parse_signature(
        "Supervisor, Tariff Policy and Planning\nKellerby Grain Exchange\n312-555-0133\n", 0)
    assert sig.title == "Supervisor, Tariff Policy and Planning"
    assert sig.company is None  # "Kellerby Grain Exchange" reads as a name: left out


def test_a_legal_form_makes_a_company_not_a_title() -> None:
    sig = parse_signature("Dana Whitfield\nBrightline Marketing Ltd.\n312-555-0101\n", 0)
    assert (sig.title, sig.company) == (None, "Brightline Marketing Ltd.")


def test_a_generic_unit_is_no_company() -> None:
    for line in ("Customer Services", "Information Technology", "IT Solutions Group"):
        sig = parse_signature(f"Dana Whitfield\nSenior Analyst\n{line}\n312-555-0101\n", 0)
        assert sig.company is None, line
    sig = parse_signature("Dana Whitfield\nDirector, Information Technology\nHalvorsen Foods\n"
                          "312-555-0101\n", 0)
    assert sig.company == "Halvorsen Foods"


def test_places_and_links_are_no_title_or_company() -> None:
    for line in ("Lyon, France", "Dayton, OH", "Bremen, Germany", "LinkedIn | Twitter",
                 "Book a meeting"):
        sig = parse_signature(f"Dana Whitfield\nSenior Analyst\n{line}\n312-555-0101\n", 0)
        assert (sig.title, sig.company) == ("Senior Analyst", None), line
    sig = parse_signature("Dana Whitfield\nDayton, Ohio\n312-555-0101\n", 0)
    assert (sig.title, sig.company) == (None, None)
    for company in ("Xylo Freight Inc.", "Webley Tools Ltd"):  # no link word in a name
        sig = parse_signature(f"Dana Whitfield\nSenior Analyst\n{company}\n", 0)
        assert sig.company == company
    # a title with a short unit and a name with a credential are no places
    sig = parse_signature("Dana Whitfield, PE\nManager, IT\nQuillfeather Inc.\n", 0)
    assert (sig.name, sig.title, sig.company) == ("Dana Whitfield", "Manager, IT",
                                                  "Quillfeather Inc.")


def test_pronouns_and_emphasis_around_the_name() -> None:
    for first in ("Dana Whitfield (she/her)", "*Dana Whitfield*", "Dana Whitfield\nHe/Him/His"):
        sig = parse_signature(f"{first}\nSenior Analyst\nQuillfeather Labs\n312-555-0101\n", 0)
        assert (sig.name, sig.title, sig.company) == (
            "Dana Whitfield", "Senior Analyst", "Quillfeather Labs"), first


def test_title_at_sign_company_and_a_law_firm_with_commas() -> None:
    sig = parse_signature("Dana Whitfield\nCTO @ Quillfeather\n312-555-0101\n", 0)
    assert (sig.title, sig.company) == ("CTO", "Quillfeather")
    sig = parse_signature("Dana Whitfield\nPartner\nMarsh, Okafor & Lindqvist LLP\n", 0)
    assert (sig.title, sig.company) == ("Partner", "Marsh, Okafor & Lindqvist LLP")


def test_a_registration_footer_ends_the_block() -> None:
    block = "Dana Whitfield\nSenior Analyst\nRegistered in England and Wales\nQuillfeather\n"
    sig = parse_signature(block, 0)
    assert (sig.title, sig.company) == ("Senior Analyst", None)
