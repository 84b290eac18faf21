"""What gets into the record from mail, and what stays out."""

from __future__ import annotations

import sqlalchemy as sa

from app import extensions as context
from app.records.models import Contact, ContactAddress, Interaction, InteractionMailbox


def test_only_customer_mail_gets_in(world) -> None:
    assert world.outcomes["proposal"] == "stored"
    assert world.outcomes["newsletter"] == "skipped"  # List-Unsubscribe: bulk
    assert world.outcomes["internal"] == "skipped"  # colleagues only
    assert world.outcomes["stranger-inbound"] == "skipped"  # policy: contacts from sent mail
    assert world.outcomes["followup-copy"] == "duplicate"  # Maya's copy of Tom's mail


def test_a_message_in_two_mailboxes_is_stored_once_with_both(app, world) -> None:
    with context.database(app).session() as s:
        ids = s.scalars(sa.select(Interaction.id).where(
            Interaction.external_key == "<followup@mail.test>")).all()
        assert len(ids) == 1
        boxes = s.scalar(sa.select(sa.func.count()).select_from(InteractionMailbox).where(
            InteractionMailbox.interaction_id == ids[0]))
        assert boxes == 2


def test_free_mail_contacts_get_no_account_and_subdomains_map_to_the_account(app, world) -> None:
    with context.database(app).session() as s:
        def contact(address: str) -> Contact:
            cid = s.scalar(sa.select(ContactAddress.contact_id).where(
                ContactAddress.address == address))
            return s.scalars(sa.select(Contact).where(Contact.id == cid)).one()

        assert contact("sam.ortiz.design@gmail.com").account_id is None
        ruth = contact("ruth.hale@mail.kestrelfoods.co.uk")
        assert ruth.company == "Kestrelfoods" and ruth.account_id is not None
        # Inbound mail did not create Elena (policy "sent"), yet her risk is on the account.
        assert s.scalar(sa.select(ContactAddress).where(
            ContactAddress.address == "elena.marsh@harbourline-freight.com")) is None
