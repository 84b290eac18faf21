"""The sample company "Lumenfield": invented sellers, customers, mail, meetings and deals.

``build_sample(now)`` gives every seller's mailbox as Microsoft Graph v1.0 JSON resources, for
the local Graph stand-in, the demo, the tests and the benchmarks. Nothing runs at import time.
"""

from app.dev.sample.build import build_sample, iter_sample_items, sample_accounts
from app.dev.sample.cast import COMPETITORS, INTERNAL_DOMAIN, TENANT_ID, TENANT_NAME
from app.dev.sample.model import (
    SampleAccount,
    SampleCompany,
    SampleContact,
    SampleDeal,
    SampleSeller,
)

__all__ = [
    "COMPETITORS", "INTERNAL_DOMAIN", "TENANT_ID", "TENANT_NAME", "SampleAccount",
    "SampleCompany", "SampleContact", "SampleDeal", "SampleSeller", "build_sample",
    "iter_sample_items", "sample_accounts",
]
