"""Bearer-token validation (Entra ID or the local identity stand-in) and local signing keys."""
