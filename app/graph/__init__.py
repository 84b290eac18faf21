"""Microsoft Graph access: the only package that imports ``msgraph``, ``msal`` or kiota.

Importing this package loads no SDK model or client: those come with the modules that use
them (``client``, ``auth``, ``delta``, ``pager``, ``subscriptions``, ``notifications``; the
request builders through ``sdk``, once), and every one of them hands back the project's own
dataclasses from :mod:`app.graph.types`.
"""

from .errors import DeltaExpired, GraphAuthError, GraphError, GraphThrottled
from .types import (
    Address,
    Attendee,
    ChangeNotification,
    DeltaPage,
    MailMessage,
    Meeting,
    SubscriptionInfo,
)

__all__ = [
    "Address", "Attendee", "ChangeNotification", "DeltaExpired", "DeltaPage",
    "GraphAuthError", "GraphError", "GraphThrottled", "MailMessage", "Meeting",
    "SubscriptionInfo",
]
