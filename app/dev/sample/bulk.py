"""Automated mail every mailbox gets: newsletters, no-reply notifications, a bounce."""

from __future__ import annotations

import html
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from app.dev.sample import resources
from app.dev.sample.model import SampleAccount, SampleSeller
from app.dev.sample.render import Part
from app.dev.sample.scenes_other import BOUNCE, NEWSLETTERS, NOTIFICATIONS
from app.dev.sample.threads import Item

NEWSLETTER_HTML = (
    "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
    "</head><body style=\"margin:0;background:#f4f4f4\"><table role=\"presentation\" "
    "width=\"100%\"><tr><td align=\"center\"><table width=\"600\" style=\"background:#ffffff\">"
    "<tr><td style=\"padding:24px;font-family:Arial,sans-serif\"><h1>{title}</h1><p>{text}</p>"
    "<p><a href=\"https://{host}/read?id={n}\">Read online</a></p><p style=\"font-size:11px;"
    "color:#888\">You are receiving this because you subscribed. <a href=\"https://{host}/"
    "unsubscribe?u={n}\">Unsubscribe</a></p></td></tr></table></td></tr></table></body></html>"
)


def _part(sender: tuple[str, str], to: tuple[str, str], sent: datetime, subject: str) -> Part:
    return Part(sender, (to,), (), sent, subject, "", (), "", ("",), True)


def _message(seller: SampleSeller, key: str, part: Part, body: dict, preview: str,
             headers: list[dict]) -> Item:
    imid = resources.internet_message_id(key, part.sender[1])
    return seller.email, "inbox", resources.message(
        mailbox=seller.email, folder="inbox", key=key, imid=imid, thread=key, part=part,
        body=body, body_preview=preview[:255], headers=headers)


def bulk_mail(seller: SampleSeller, accounts: tuple[SampleAccount, ...], now: datetime,
              seed: int, scale: float, kinds: list[str]) -> Iterator[Item]:
    """Yields one seller's newsletters and notifications, spread over the last 120 days."""
    rng = random.Random(f"{seed}:bulk:{seller.email}")
    issues = max(1, round(6 * scale))
    for n, (name, address, subject, text) in enumerate(NEWSLETTERS):
        host = address.split("@", 1)[1]
        for i in range(issues):
            sent = now - timedelta(days=120 * (i + 0.5) / issues, hours=n * 5 + 1)
            subj = subject.format(year=sent.year)
            body = {"contentType": "html", "content": NEWSLETTER_HTML.format(
                title=html.escape(subj), text=html.escape(text), host=host, n=i)}
            headers = [
                {"name": "List-Unsubscribe",
                 "value": f"<https://{host}/unsubscribe?u={i}>, <mailto:unsubscribe@{host}>"},
                {"name": "List-Unsubscribe-Post", "value": "List-Unsubscribe=One-Click"},
                {"name": "Precedence", "value": "bulk"}]
            kinds.append("newsletter")
            yield _message(seller, f"n{seed}:{seller.email}:{n}:{i}",
                           _part((name, address), (seller.display_name, seller.email), sent,
                                 subj), body, f"{subj} {text}", headers)
    for i in range(max(1, round(2 * scale))):
        name, address, subject, text = NOTIFICATIONS[i % len(NOTIFICATIONS)]
        account = accounts[rng.randrange(len(accounts))]
        fields = {"company": account.name, "c": account.contacts[0].name}
        sent = now - timedelta(days=rng.uniform(1, 110))
        subj, content = subject.format(**fields), text.format(**fields)
        headers = [{"name": "Auto-Submitted", "value": "auto-generated"},
                   {"name": "X-Auto-Response-Suppress", "value": "All"}]
        kinds.append("notification")
        yield _message(seller, f"a{seed}:{seller.email}:{i}",
                       _part((name, address), (seller.display_name, seller.email), sent, subj),
                       {"contentType": "text", "content": content}, content, headers)


def bounce(seller: SampleSeller, now: datetime, seed: int, kinds: list[str]) -> Iterator[Item]:
    """Yields a sent email to a departed contact and the delivery failure that came back."""
    sent = (now - timedelta(days=9)).replace(hour=10, minute=12, second=5, microsecond=0)
    gone = ("Wendell Abernethy", "wendell.abernethy@corvane-logistics.com")
    me = (seller.display_name, seller.email)
    subject = "Checking in on the Q1 planning"
    out = Part(me, (gone,), (), sent, subject, "Hi Wendell,",
               ("I hope all is well. Are you still the right person to talk to about the "
                "dispatch planning project for next year?",), "Best regards,",
               (seller.display_name, f"{seller.title} | Lumenfield"), False)
    body, preview = resources.message_body([out], False)
    key = f"b{seed}:{seller.email}"
    imid = resources.internet_message_id(key, seller.email)
    yield seller.email, "sentitems", resources.message(
        mailbox=seller.email, folder="sentitems", key=key, imid=imid, thread=key, part=out,
        body=body, body_preview=preview)
    name, address, subj, text = BOUNCE
    content = text.format(address=gone[1], subject=subject)
    ndr = _part((name, address), me, sent + timedelta(seconds=40), subj.format(subject=subject))
    headers = [{"name": "Content-Type",
                "value": "multipart/report; report-type=delivery-status"},
               {"name": "Auto-Submitted", "value": "auto-replied"},
               {"name": "X-MS-Exchange-Message-Is-Ndr", "value": ""}]
    kinds.append("bounce")
    yield _message(seller, key + ":ndr", ndr, {"contentType": "text", "content": content},
                   content, headers)
