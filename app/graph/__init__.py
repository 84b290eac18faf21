"""Microsoft Graph access: the only package that imports ``msgraph``, ``msal`` or kiota.

Importing this package loads no SDK model or client: those come with the modules that use
them (``client``, ``auth``, ``delta``, ``pager``, ``subscriptions``, ``notifications``), and
every one of them hands back the project's own dataclasses from :mod:`app.graph.types`.
"""

import warnings

with warnings.catch_warnings():
    # kiota-abstractions 1.16 warns about its own deprecated class while defining it, on the
    # first import by any msgraph request builder (possibly mid-request); load it once here.
    warnings.filterwarnings("ignore", "GetQueryParameters is deprecated", DeprecationWarning)
    import kiota_abstractions.default_query_parameters  # noqa: F401

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
