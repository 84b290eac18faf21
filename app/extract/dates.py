"""Find a due-date phrase in a sentence and resolve it against the day the mail was sent.

Rules (a deadline means the last day that keeps the promise):
"today", "EOD", "COB", "tonight", "this afternoon" -> the sent day; "tomorrow (morning)" -> +1;
"Friday" / "by Friday" -> the next Friday after the sent day (a week on when sent on a Friday);
"next Friday" -> Friday of the following calendar week; "end of (the) week" / "EOW" -> this
week's Friday; "next week" -> Friday of next week; "early next week" -> Tuesday of next week;
"end of (the) month" -> its last day; "end of Q3" -> 30 September (next year once past);
"Nov 30" / "30 November" / "11/30" -> that date, in the next year when already past;
"the 15th" -> the next 15th; "in 3 days" / "within 2 weeks" -> sent day plus that.
The sent day is taken in the sender's time zone when one is given.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WD = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?\.?"
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
_MON = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_NUM = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "a couple of": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
    "six": 6,
    "seven": 7,
    "ten": 10,
}
_N = r"(?:\d{1,2}|an?|one|two|three|four|five|six|seven|ten|a couple of|a few)"

DUE_RE = re.compile(
    r"\b(?:(?:by|before|on|until|till|no later than|for|at|due|around)\s+)?(?:the\s+)?(?:"
    r"(?:end of (?:the )?(?:business )?day|close of business|eod|cob|eob|eow|eom|eoq|eoy)"
    rf"(?:\s+(?:today|tomorrow|{_WD}))?"
    r"|end of (?:the |this |next )?(?:week|month|quarter|year)"
    r"|end of q[1-4]|q[1-4]|(?:early|mid|late|later) (?:this|next) (?:week|month)"
    r"|(?:this|next|the coming) (?:week|month|quarter)"
    rf"|(?:this |next |the coming |coming )?{_WD}(?:\s+(?:morning|afternoon|evening|night|eod))?"
    rf"(?:,?\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?(?:\s+(?:of\s+)?{_MON})?)?"
    r"|(?:today|tonight|tomorrow)(?:\s+(?:morning|afternoon|evening|night|eod))?"
    r"|this (?:morning|afternoon|evening)"
    rf"|{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}(?:,?\s+\d{{4}})?"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    r"|\d{1,2}(?:st|nd|rd|th)"
    rf"|(?:in|within)\s+(?:the next\s+)?{_N}\s+(?:business\s+|working\s+)?(?:days?|weeks?|hours?)"
    rf"|first thing(?:\s+(?:on\s+)?(?:tomorrow|{_WD}))?(?:\s+(?:in the\s+)?morning)?"
    r"|later today"
    r"|(?:this|over the|the) weekend|noon|midday|\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)"
    r"|in the next (?:couple of |few )?(?:hours|minutes)"
    r")\b",
    re.I,
)


def local_day(sent_at: datetime | None, time_zone: str | None) -> date | None:
    """Returns the calendar day of ``sent_at`` where the sender is, or None without a time."""
    if sent_at is None:
        return None
    if time_zone and sent_at.tzinfo is not None:
        try:
            sent_at = sent_at.astimezone(ZoneInfo(time_zone))
        except (KeyError, ValueError):  # unknown zone name: keep the offset the mail carries
            pass
        except OverflowError:  # 9999-12-31 ahead of UTC, 0001-01-01 behind: no such day
            pass
    return sent_at.date()


def find_due(text: str) -> re.Match[str] | None:
    """Returns the first due-date phrase in ``text`` (a regex match), or None."""
    for m in DUE_RE.finditer(text):
        if _plausible(m.group(0)):
            return m
    return None


def _plausible(phrase: str) -> bool:
    low = phrase.lower().strip()
    # bare "may" / "sat" / "sun" / "wed" are words more often than dates
    return low not in {"may", "sat", "sun", "wed", "mar", "jan", "on sun", "at 5th"}


def _weekday(token: str) -> int | None:
    t = token.lower().rstrip(".")[:3]
    return next((i for i, w in enumerate(WEEKDAYS) if w.startswith(t)), None)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _future(ref: date, month: int, day: int, year: int | None) -> date | None:
    try:
        if year is not None:
            return date(year + (2000 if year < 100 else 0), month, day)
        cand = date(ref.year, month, day)
        return cand if cand >= ref - timedelta(days=7) else date(ref.year + 1, month, day)
    except ValueError:
        return None


def _add_business_days(ref: date, n: int) -> date:
    d = ref
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


_MISS = object()  # a step's answer when the phrase is not of its kind
_LEADS = r"^(by|before|on|until|till|no later than|for|at|due|around) "
_EOD = r"(end of (the )?(business )?day|close of business|eod|cob|eob)"
# "ASAP", "soon", "shortly" and "right away" name no day (docs/extraction-guide.md, "due"):
# they are not due phrases at all
_SAME_DAY = ("later today", "noon", "midday", "first thing", "first thing in the morning")


def resolve(phrase: str, ref: date) -> date | None:
    """Returns the due day a phrase like "by EOD Thursday" names, counted from ``ref``.

    None when the phrase names no day, or one outside the calendar (a mail "sent" on
    31 December 9999 has no tomorrow)."""
    p = _normalise(phrase)
    try:
        for step in _STEPS:
            found = step(p, ref)
            if found is not _MISS:
                return found if isinstance(found, date) else None
    except (OverflowError, ValueError):  # a day before 0001-01-01 or after 9999-12-31
        return None
    return None


def _normalise(phrase: str) -> str:
    """Lower case, single spaces, no leading "by"/"the"/"first thing (on)"."""
    p = re.sub(r"\s+", " ", phrase.lower().strip())
    p = re.sub(r"^the ", "", re.sub(_LEADS, "", p))
    if p != "first thing in the morning" and p.startswith("first thing "):
        p = re.sub(r"^first thing (on )?", "", p)
    return p


def _monday(ref: date) -> date:
    return ref - timedelta(days=ref.weekday())


def _first_thing(p: str, ref: date) -> object:
    return ref + timedelta(days=1) if p == "first thing in the morning" else _MISS


def _named_weekday(p: str, ref: date) -> object:
    """"Friday", "next Friday", "this Monday"; with a date part ("Thursday, the 19th") the
    date part decides."""
    m = re.search(rf"\b({_WD})(?!\w)", p)
    wd = _weekday(m.group(1)) if m else None
    if m is None or wd is None:
        return _MISS
    if re.search(rf"{_MON}|\d", p):
        return resolve(re.sub(r"^[,\s]+", "", p[m.end() :]), ref)
    if p.startswith("next "):
        return _monday(ref) + timedelta(days=7 + wd)
    if p.startswith("this ") and wd >= ref.weekday():
        return _monday(ref) + timedelta(days=wd)
    return ref + timedelta(days=(wd - ref.weekday()) % 7 or 7)


def _end_of_day(p: str, ref: date) -> object:
    """"EOD", "COB tomorrow": the sent day unless a day follows."""
    if not re.match(rf"{_EOD}\b", p):
        return _MISS
    rest = re.sub(rf"^{_EOD}\s*", "", p)
    return resolve(rest, ref) if rest and rest != "today" else ref


def _same_day(p: str, ref: date) -> object:
    """"today", "this afternoon", "3pm", "in the next few hours": the sent day."""
    if p.startswith(("today", "tonight", "this morning", "this afternoon", "this evening")):
        return ref
    if p in _SAME_DAY or re.fullmatch(
        r"\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|in the next .*(?:hours|minutes)", p
    ):
        return ref
    return _MISS


def _days_and_weeks(p: str, ref: date) -> object:
    """The weekend, tomorrow, this week and next week."""
    monday = _monday(ref)
    if p in ("this weekend", "over the weekend", "weekend"):
        return ref + timedelta(days=(6 - ref.weekday()) or 7)
    if p.startswith("tomorrow"):
        return ref + timedelta(days=1)
    if p in ("eow", "end of week", "end of the week", "end of this week", "later this week"):
        return monday + timedelta(days=4 if ref.weekday() <= 4 else 11)
    if p in ("this week", "mid this week", "early this week"):
        return monday + timedelta(days=4 if p == "this week" else 2)
    if p in ("next week", "the coming week", "end of next week", "late next week",
             "later next week"):
        return monday + timedelta(days=11)
    if p in ("early next week", "mid next week"):
        return monday + timedelta(days=8 if p.startswith("early") else 9)
    return _MISS


def _months_and_quarters(p: str, ref: date) -> object:
    """End of this or next month, of the year, of a quarter."""
    if p in ("eom", "end of month", "end of the month", "end of this month", "this month",
             "late this month", "later this month"):
        return _month_end(ref.year, ref.month)
    if p in ("next month", "end of next month", "early next month", "the coming month"):
        y, mth = (ref.year + 1, 1) if ref.month == 12 else (ref.year, ref.month + 1)
        return date(y, mth, 7) if p.startswith("early") else _month_end(y, mth)
    if p in ("eoy", "end of year", "end of the year", "end of this year"):
        return date(ref.year, 12, 31)
    if q := re.fullmatch(r"(?:end of )?q([1-4])", p):
        end = _month_end(ref.year, int(q.group(1)) * 3)
        return end if end >= ref else _month_end(ref.year + 1, int(q.group(1)) * 3)
    if p in ("eoq", "end of quarter", "end of the quarter", "end of this quarter", "this quarter"):
        return _month_end(ref.year, ((ref.month - 1) // 3 + 1) * 3)
    return _MISS


def _calendar_date(p: str, ref: date) -> object:
    """"2026-11-30", "11/30", "Nov 30", "30 November", "the 15th"."""
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", p):
        return _future(ref, int(m.group(2)), int(m.group(3)), int(m.group(1)))
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?", p):
        a, b = int(m.group(1)), int(m.group(2))
        month, day = (b, a) if a > 12 else (a, b)
        return _future(ref, month, day, int(m.group(3)) if m.group(3) else None)
    if m := re.search(rf"({_MON})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?", p):
        return _month_day(ref, m.group(1), int(m.group(2)), m.group(3))
    if m := re.search(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MON})(?:,?\s+(\d{{4}}))?", p):
        return _month_day(ref, m.group(2), int(m.group(1)), m.group(3))
    if m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", p):
        day = int(m.group(1))
        y, mth = (
            (ref.year, ref.month)
            if day >= ref.day
            else ((ref.year + 1, 1) if ref.month == 12 else (ref.year, ref.month + 1))
        )
        return _future(ref, mth, day, y)
    return _MISS


def _in_so_many(p: str, ref: date) -> object:
    """"in 3 days", "within 2 weeks", "in five business days"."""
    m = re.fullmatch(
        rf"(?:in|within) (?:the next )?({_N}) (business |working )?(days?|weeks?|hours?)", p
    )
    if m is None:
        return _MISS
    n = int(m.group(1)) if m.group(1).isdigit() else _NUM.get(m.group(1), 1)
    if m.group(3).startswith("hour"):
        return ref
    if m.group(3).startswith("week"):
        return ref + timedelta(weeks=n)
    return _add_business_days(ref, n) if m.group(2) else ref + timedelta(days=n)


# In this order: a weekday phrase with a date part, "EOD Thursday" and the rest each hand
# what follows back to :func:`resolve`.
_STEPS = (_first_thing, _named_weekday, _end_of_day, _same_day, _days_and_weeks,
          _months_and_quarters, _calendar_date, _in_so_many)


def _month_day(ref: date, month_word: str, day: int, year: str | None) -> date | None:
    month = MONTHS.get(month_word.lower().rstrip("."))
    if month is None:
        month = MONTHS.get(month_word.lower()[:3])
    return _future(ref, month, day, int(year) if year else None) if month else None
