"""Internal-only threads between sellers, and automated mail (newsletters, notices, bounces)."""

from __future__ import annotations

from app.dev.sample.scenes import Scene

# S: the seller who writes first, K: a colleague.
INTERNAL: tuple[Scene, ...] = (
    ("Cover for the {company} call on {weekday}?", (
        ("S", ("request",), (
            "I'm travelling on {weekday}. Could you cover the {company} check-in? {c} wants to "
            "go through the {module} setup. Notes are in the account folder.",)),
        ("K", ("promise",), (
            "Sure, I can take it. I'll send you a recap afterwards.",)),
    )),
    ("{company} deal strategy", (
        ("S", ("competitor", "pricing"), (
            "Quick one on {company}: they are comparing us with {competitor}. I'm thinking of "
            "offering {discount} on a three-year term. Any objections before I send it?",)),
        ("K", ("positive_intent",), (
            "Fine by me, but keep the Enterprise support tier in. They will need it.",)),
        ("S", ("promise",), (
            "Agreed. I'll update the quote and share it with you before it goes out.",)),
    )),
    ("Pipeline review prep", (
        ("K", ("request",), (
            "For Monday's pipeline review, could everyone update close dates and next steps "
            "on their open deals by Friday? I'd like to spend the time on risks, not on data "
            "entry.",)),
        ("S", ("promise",), (
            "Will do. {company} has slipped a quarter, I'll flag it in the review.",)),
    )),
)

NEWSLETTERS = (
    ("Field Ops Weekly", "digest@news.fieldops-weekly.net",
     "This week: five ways to cut truck rolls",
     "Your weekly digest of field-service operations news. Five ways dispatch teams cut "
     "repeat visits, a case study from a regional utility, and our upcoming webinar on "
     "forecasting technician capacity."),
    ("SaaS Revenue Roundup", "newsletter@mail.revenue-roundup.net",
     "Net revenue retention benchmarks for {year}",
     "Benchmarks from 400 B2B software companies on renewals, expansion and churn. Plus: "
     "how to price multi-year deals without giving away margin."),
)
NOTIFICATIONS = (
    ("SignTrail", "no-reply@notify.signtrail-docs.net", "Document viewed: {company} order form",
     "{c} viewed the document \"{company} order form\". You will be notified when it is "
     "signed. This is an automated message, please do not reply."),
    ("Expensely", "no-reply@alerts.expensely-app.net", "Your expense report was approved",
     "Your expense report \"Customer visit, {company}\" has been approved and will be paid "
     "in the next payroll run. This mailbox is not monitored."),
)
BOUNCE = ("Mail Delivery Subsystem", "mailer-daemon@mx.relaymoor-mail.net",
          "Undeliverable: {subject}",
          "Delivery has failed to these recipients or groups:\n\n{address}\nThe email address "
          "you entered couldn't be found. Please check the recipient's email address and try "
          "to resend the message.\n\nDiagnostic information for administrators:\nRemote "
          "server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'")
