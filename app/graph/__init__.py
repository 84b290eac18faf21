"""Microsoft Graph access: the only package that imports ``msgraph``, ``msal`` or kiota.

Importing this package imports none of them: the SDK is loaded by the modules that use it
(``client``, ``auth``, ``delta``, ``pager``, ``subscriptions``, ``notifications``), and every
one of them hands back the project's own dataclasses from :mod:`app.graph.types`.
"""

from .errors import DeltaExpired, GraphAuthError, GraphError, GraphThrottled
from .types import (
    Attendee,
    ChangeNotification,
    DeltaPage,
    EmailAddress,
    MailMessage,
    Meeting,
    SubscriptionInfo,
)

__all__ = [
    "Attendee", "ChangeNotification", "DeltaExpired", "DeltaPage", "EmailAddress",
    "GraphAuthError", "GraphError", "GraphThrottled", "MailMessage", "Meeting",
    "SubscriptionInfo",
]
