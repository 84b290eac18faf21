"""A local stand-in for Microsoft Graph and Entra ID (development, demo, tests; not production).

It speaks the real protocols over https so msal and msgraph-sdk run unchanged against it:
message and calendarView delta with paging and ``@removed``, subscriptions with the validation
handshake and notifications, Graph's errors and limits (with fault injection), and an
identity provider (OpenID discovery, token endpoint, JWKS). Start it with
``python -m app.dev.standin --port P --sample`` or :func:`app.dev.standin.server.start`.
Production code (``app/graph``) must not import this package.
"""

from app.dev.standin.server import RunningStandIn, StandIn, create_app, start

__all__ = ["RunningStandIn", "StandIn", "create_app", "start"]
