"""Sync orchestration: Graph delta rounds per mailbox folder into the record.

``sync.sync_mailbox`` runs the rounds; ``mapping`` turns Graph dataclasses into the records
layer's ``InteractionIn``; ``status`` reports per-mailbox health.
"""
