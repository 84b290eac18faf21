"""Customer conversations of the sample: each scene is a thread, each step one email.

A step is ``(speaker, kinds, alternatives)``: the speaker is ``S`` (the account's seller),
``C`` (the main contact), ``D`` (the contact's boss or a colleague) or ``K`` (a second seller
cc'd on the thread); ``kinds`` name the deal signals and commitments the text carries, so the
tests can check that every kind occurs. ``{...}`` fields are filled per thread (see threads).
"""

from __future__ import annotations

Step = tuple[str, tuple[str, ...], tuple[str, ...]]
Scene = tuple[str, tuple[Step, ...]]

SCENES: tuple[Scene, ...] = (
    ("Pricing for {seats} seats - {company}", (
        ("C", ("request", "pricing", "budget", "competitor"), (
            "Thanks again for the walkthrough on {weekday}. The team liked what they saw, "
            "especially the {module}.\n\nBefore we go further, could you send us pricing for "
            "{seats} seats on the Professional tier? Our budget for this is around {budget} for "
            "the first year, so it would help to know early whether that is realistic. We are "
            "also looking at {competitor}, so a clear comparison would be useful.",
            "Following our call, could you put together pricing for {seats} users? We have "
            "roughly {budget} set aside in this year's budget. For transparency, {competitor} "
            "has already sent us a proposal, so we would like yours {due} if possible.")),
        ("S", ("promise", "pricing"), (
            "Thanks for the quick feedback, great to hear the {module} landed well.\n\nFor "
            "{seats} seats on Professional the list price comes to {price} per year. Given the "
            "three-year term you mentioned I can offer {discount} off. I'll send the revised "
            "quote {due} with both options laid out side by side.",
            "Happy to. Our list price for {seats} seats is {price} a year, and there is room to "
            "move on a multi-year commitment. I will send you a formal quote {due}, including a "
            "line-by-line comparison against {competitor}.")),
        ("C", ("decision_maker", "request", "legal"), (
            "That is helpful, thank you. Our {d_title}, {d}, will need to sign off on anything "
            "above {threshold}, so I have copied {d_first} here. In the meantime, could you send "
            "the signed MSA and your standard DPA so legal can start reviewing?",)),
        ("S", ("promise", "positive_intent"), (
            "Thank you, and nice to meet you {d_first}. The MSA and DPA are attached. I will "
            "follow up {due2} with the final quote, and I'm happy to walk you through it on a "
            "short call if that is easier.",)),
        ("D", ("positive_intent", "timeline"), (
            "Thanks {s}. The numbers look reasonable. If legal is comfortable we would aim to "
            "sign before {go_live} so the rollout can start in {quarter}.",)),
    )),
    ("Security review - Lumenfield questionnaire", (
        ("C", ("security", "procurement", "request"), (
            "Our information security team has to complete a vendor review before procurement "
            "can raise a PO. Could you complete the attached questionnaire and send us your "
            "latest SOC 2 Type II report {due}?",
            "Procurement has flagged that we need a security review before we can sign. Could "
            "you share your SOC 2 report and the pen test summary? Please fill in the attached "
            "questionnaire as well.")),
        ("S", ("promise",), (
            "Of course. I have asked our security team and I will send the SOC 2 report and "
            "the completed questionnaire {due}. {k} from our side can answer the architecture "
            "questions directly.",)),
        ("K", ("promise", "meeting_request"), (
            "{s} asked me to pick up the technical section. Data is hosted in the EU "
            "region and encrypted at rest with customer-managed keys available on Enterprise. "
            "Would a 30-minute call with your security lead on {weekday} work? I will send the "
            "architecture diagram before then.",)),
        ("C", ("delay", "security"), (
            "Thanks both. Our security lead is out until {go_live}, so the review will slip "
            "by about two weeks. I will confirm a new date as soon as I can.",)),
    )),
    ("Service issues at {site}", (
        ("C", ("complaint", "escalation", "churn"), (
            "I need to raise a serious concern. This is the third time this month that the "
            "dispatch board has been unavailable during the morning shift at {site}. My team "
            "lost most of yesterday's schedule. I am escalating this to our {d_title}, and "
            "frankly we are starting to question whether to renew.",
            "We had another outage this morning, the second one in ten days. Our technicians "
            "could not see their jobs for almost two hours. I'm not happy with how this has "
            "been handled and I will be escalating it internally. If this continues we will "
            "look at alternatives such as {competitor}.")),
        ("S", ("promise", "meeting_request"), (
            "I am very sorry, {c}. That is not the service you should expect from us. I have "
            "opened incident {ticket} with priority one and I will send you a full root cause "
            "analysis {due}. Could we set up a call with {d_first} this week so I can explain "
            "what we are changing?",)),
        ("D", ("escalation", "request"), (
            "{s}, I have read the thread. Before we discuss the renewal, could you send a "
            "written plan with the remediation steps and the service credits you are "
            "offering? We expect it {due2}.",)),
        ("S", ("promise",), (
            "Understood. I'll send the remediation plan and the service credit proposal {due2}. "
            "Our VP of Engineering will join the review call.",)),
    )),
    ("Project timeline - {company} rollout", (
        ("C", ("on_hold", "delay", "budget"), (
            "I wanted to let you know before our next check-in: the rollout is on hold until "
            "{quarter}. Finance has frozen new spend above {threshold} while the budget is "
            "re-planned, so we cannot sign this quarter.",
            "Some bad news on our side, I'm afraid. The board has put all new software "
            "projects on hold until {quarter}, so our start date will be delayed. We are still "
            "interested, it is purely a budget freeze.")),
        ("S", ("request", "positive_intent"), (
            "Thanks for the heads-up, {c}, I appreciate you being open about it. Could you let "
            "me know who owns the budget re-plan? I'd like to make sure the business case is "
            "ready when the freeze lifts. I will hold the current pricing until {go_live}.",)),
        ("C", ("decision_maker", "timeline"), (
            "That is kind of you. {d}, our {d_title}, owns the re-plan. Realistically we will "
            "know by {go_live}.",)),
    )),
    ("Adding the {region} team", (
        ("C", ("expansion", "request", "timeline"), (
            "Good news: the pilot went well and we would like to roll Lumenfield out to the "
            "{region} team as well, about {seats} more users. Could you send an updated quote "
            "for the expansion? Ideally they would be live by {go_live}.",
            "We are planning to expand to {region} next quarter, roughly {seats} additional "
            "seats plus the {module}. Could you send me the pricing and an onboarding plan?")),
        ("S", ("promise", "pricing", "positive_intent"), (
            "That is great news, congratulations to the team! For {seats} additional seats the "
            "price would be {price} per year, co-termed with your current contract. I'll send "
            "the order form {due} and {k} will prepare the onboarding plan.",)),
        ("K", ("promise", "meeting_request"), (
            "Looking forward to it. Could we book a kickoff with the {region} leads on "
            "{weekday}? I'll share the onboarding checklist {due2}.",)),
        ("C", ("positive_intent",), (
            "Perfect, {weekday} works. I have sent the invite. Thanks for moving so quickly.",)),
    )),
    ("Renewal {year} - {company}", (
        ("S", ("request", "timeline", "pricing"), (
            "Your subscription renews on {go_live}. Ahead of that, could you confirm the number "
            "of seats you want to carry forward? The renewal price for {seats} seats would be "
            "{price}, a {discount} uplift as per the contract.",)),
        ("C", ("procurement", "pricing", "competitor"), (
            "Thanks {s}. Procurement will want to benchmark the renewal; they have a quote from "
            "{competitor} that is about 20% lower. Can you do better on the uplift?",
            "We are planning to renew, but our procurement team has asked us to compare "
            "against {competitor} first. Could you hold the current price?")),
        ("S", ("promise", "pricing"), (
            "I understand. I can hold this year's price if we sign a two-year term before "
            "{go_live}. I'll send the updated renewal quote {due}.",)),
        ("C", ("positive_intent", "procurement"), (
            "That works for us. Please send it to me and to our procurement mailbox, and we "
            "will process the PO.",)),
    )),
    ("Intro: Lumenfield for {company}", (
        ("S", ("meeting_request",), (
            "I lead partnerships with operations teams in {country_name}. Several companies "
            "similar to {company} use Lumenfield to cut missed appointments by a third. Would "
            "you be open to a 20-minute call on {weekday} or {weekday2}?",
            "{d} suggested I reach out. We help field teams plan and forecast their work in one "
            "place. Would you have 30 minutes next week to see if it fits?")),
        ("C", ("positive_intent", "meeting_request"), (
            "Thanks for reaching out. Timing is good, we are reviewing our scheduling tools "
            "this quarter. {weekday2} at 3pm works for me.",)),
        ("S", ("promise",), (
            "Great, I've sent an invite for {weekday2} at 3pm. I'll send a short agenda and a "
            "case study beforehand.",)),
    )),
    ("Contract redlines - MSA", (
        ("C", ("legal", "request"), (
            "Our legal team has reviewed the MSA. The redlines are attached; the main points "
            "are the liability cap and the data processing terms. Could your legal team review "
            "them {due}?",)),
        ("S", ("promise", "legal"), (
            "Thanks {c}. I've passed the redlines to our counsel and will come back to you "
            "{due} with our position on the liability cap.",)),
        ("S", ("legal", "request"), (
            "Our counsel accepted most of the changes; the one open point is the cap, where "
            "we can go to twelve months of fees. Could you confirm whether that works for "
            "your side?",)),
        ("C", ("positive_intent", "timeline"), (
            "Twelve months works. I'll get the final version signed by {go_live}.",)),
    )),
    ("Next steps after today's demo", (
        ("S", ("promise", "request"), (
            "Thank you for your time today. As promised, here is a summary: you want to "
            "replace the spreadsheets behind the dispatch board, cover {seats} technicians, "
            "and go live before {go_live}. I'll send the proposal {due}. Could you share the "
            "export of your current job data so {k} can prepare a realistic trial?",)),
        ("C", ("positive_intent", "decision_maker"), (
            "Thanks, that is a fair summary. I'll send the export tomorrow. {d} ({d_title}) "
            "will join the next session since they make the final call.",)),
    )),
    ("Invoice {ticket} query", (
        ("C", ("complaint", "request"), (
            "We received invoice {ticket}, but it bills {seats} seats whereas we agreed on "
            "fewer. Could you check and send a corrected invoice?",)),
        ("S", ("promise",), (
            "Sorry about that, {c}. You are right. I'll have finance issue a corrected "
            "invoice {due}.",)),
    )),
)
