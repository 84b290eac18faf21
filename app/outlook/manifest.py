"""The add-in's manifests, generated for one origin: ``addin/manifest.xml`` (the add-in only
manifest, validated against the Office XSDs) and ``addin/manifest.json`` (the unified
Microsoft 365 manifest: the same add-in plus the Teams tab and meeting side panel).

Every URL of the XML manifest is a resource id in the one ``bt:Urls`` block. The read pane
may be pinned and Outlook mobile gets a button (VersionOverrides 1.1); ``WebApplicationInfo``
inside mail VersionOverrides and nested app authentication are declared in the unified
manifest only.

    flask --app app addin-manifest --origin https://localhost:3000 [--client-id GUID]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

APP_ID = "d98bc993-48d2-4481-b3fa-dcfdfe14b8a6"  # Storyline's add-in id: never change it
DEFAULT_ORIGIN = "https://localhost:3000"
MAILBOX_MIN = "1.5"  # ItemChanged (pinning), REST-free body reads
UNIFIED_VERSION = "1.21"
ICON_SIZES = (16, 32, 64, 80, 128)


@dataclass(frozen=True)
class ManifestConfig:
    """What varies between installs: the origin that serves the pane, and the Entra app."""

    origin: str = DEFAULT_ORIGIN
    client_id: str | None = None
    version: str = "1.0.0"
    name: str = "Storyline"

    def url(self, path: str) -> str:
        """An absolute URL on the origin."""
        return self.origin.rstrip("/") + path


SURFACES = (
    ("MessageReadCommandSurface", "Storyline.Read"),
    ("AppointmentAttendeeCommandSurface", "Storyline.Meeting"),
    ("AppointmentOrganizerCommandSurface", "Storyline.Organizer"),  # the seller's own meetings
    ("MessageComposeCommandSurface", "Storyline.Compose"),
)


# Outlook mobile's nine icons: (size, scale, pixels); the files are icon-<pixels>.png.
MOBILE_ICONS = tuple((size, scale, size * scale) for size in (25, 32, 48) for scale in (1, 2, 3))
DESKTOP_ICONS = (16, 32, 80)


def _pinnable(surface: str) -> bool:
    """The read pane may be pinned: it follows the selection from one email to the next."""
    return surface == "MessageReadCommandSurface"


def manifest_xml(cfg: ManifestConfig) -> str:
    """The add-in only manifest (MailApp): task pane on message read, appointment read
    (attendee), appointment edit (organizer) and message compose."""
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=True, keep_trailing_newline=True)
    version = cfg.version if cfg.version.count(".") == 3 else cfg.version + ".0"
    return env.get_template("manifest.xml.j2").render(
        origin=cfg.origin, app_id=APP_ID, version=version, name=cfg.name,
        mailbox_min=MAILBOX_MIN, pane=cfg.url("/taskpane/taskpane.html"), url=cfg.url,
        surfaces=SURFACES, pinnable=_pinnable, mobile_icons=MOBILE_ICONS,
        icon_pixels=sorted({*DESKTOP_ICONS, *(pixels for _s, _c, pixels in MOBILE_ICONS)}),
    )


def _icons(cfg: ManifestConfig) -> list[dict[str, Any]]:
    return [{"size": s, "url": cfg.url(f"/taskpane/assets/icon-{s}.png")} for s in DESKTOP_ICONS]


def _ribbon(cfg: ManifestConfig, context: str, group: str) -> dict[str, Any]:
    return {
        "contexts": [context],
        "tabs": [{"builtInTabId": "TabDefault", "groups": [{
            "id": group, "label": "Storyline", "icons": _icons(cfg),
            "controls": [{
                "id": f"{group}.Open", "type": "button", "label": "Customer story",
                "icons": _icons(cfg),
                "supertip": {"title": "Customer story",
                             "description": "Who this is, open promises, signals and health."},
                "actionId": "openStory",
            }],
        }]}],
    }


def manifest_json(cfg: ManifestConfig) -> dict[str, Any]:
    """The unified manifest: the Outlook add-in (read, meeting, compose; pinnable) plus the
    Teams personal tab (``/teams/tab``) and meeting side panel (``/teams/panel``)."""
    host = cfg.origin.split("://", 1)[-1]
    doc: dict[str, Any] = {
        "$schema": f"https://developer.microsoft.com/json-schemas/teams/v{UNIFIED_VERSION}/"
                   "MicrosoftTeams.schema.json",
        "id": APP_ID,
        "manifestVersion": UNIFIED_VERSION,
        "version": cfg.version,
        "name": {"short": cfg.name, "full": f"{cfg.name}: the customer story in your inbox"},
        "description": {
            "short": "The customer story beside every email and meeting.",
            "full": "Storyline shows, beside each email and meeting, who the customer is, who "
                    "on your team knows them, what was promised by whom and when, deal signals "
                    "with their evidence, and relationship health with its reasons.",
        },
        "developer": {"name": "Storyline", "websiteUrl": cfg.url("/"),
                      "privacyUrl": cfg.url("/"), "termsOfUseUrl": cfg.url("/")},
        "icons": {"outline": "outline.png", "color": "color.png"},
        "accentColor": "#0F6CBD",
        "localizationInfo": {"defaultLanguageTag": "en-us"},
        "authorization": {"permissions": {"resourceSpecific": [
            {"name": "MailboxItem.ReadWrite.User", "type": "Delegated"}]}},
        "validDomains": [host],
        "staticTabs": [{
            # the prep notifications deep-link to this entity (app.prep.schedule.PrepOptions)
            "entityId": "storyline-prep", "name": "Storyline",
            "contentUrl": cfg.url("/teams/tab"), "websiteUrl": cfg.url("/teams/tab"),
            "scopes": ["personal"],
        }],
        "configurableTabs": [{
            "configurationUrl": cfg.url("/teams/panel?configure=1"),
            "canUpdateConfiguration": False,
            "scopes": ["groupChat"],
            "context": ["meetingSidePanel", "meetingDetailsTab", "meetingChatTab"],
        }],
        # Activity feed notices sent by the meeting-prep job (app/prep/deliver.py); each type
        # a notice uses must be declared with a template over its parameters.
        "activities": {"activityTypes": [
            {"type": "meetingPrep", "description": "Prep card before a customer meeting",
             "templateText": "Prep for {meeting} at {time}"},
            {"type": "meetingCancelled", "description": "A prepped meeting was cancelled",
             "templateText": "{meeting} was cancelled"},
            {"type": "prepDigest", "description": "Morning digest of customer meetings",
             "templateText": "{count} customer meetings today"},
            {"type": "teamHandoff", "description": "A team mailbox heard something an account "
             "owner must know", "templateText": "{function} received {what} from {account}"},
            # nudges (app/prep/nudges.py) and the digest of a day without customer meetings
            {"type": "sellerNudge", "description": "Something needs the seller: a promise "
             "due, unanswered mail, a cold deal, a risk", "templateText": "{kind}: {title}"},
            {"type": "actionDigest", "description": "Morning digest of what needs the seller",
             "templateText": "{count} things to act on today"},
        ]},
        "extensions": [{
            "requirements": {"scopes": ["mail"],
                             "capabilities": [{"name": "Mailbox", "minVersion": MAILBOX_MIN}]},
            "runtimes": [{
                "requirements": {"capabilities": [{"name": "Mailbox",
                                                   "minVersion": MAILBOX_MIN}]},
                "id": "StorylinePane", "type": "general",
                "code": {"page": cfg.url("/taskpane/taskpane.html")},
                "lifetime": "short",
                "actions": [{"id": "openStory", "type": "openPage", "pinnable": True}],
            }],
            "ribbons": [
                _ribbon(cfg, "mailRead", "Storyline.Read"),
                _ribbon(cfg, "meetingDetailsAttendee", "Storyline.Meeting"),
                _ribbon(cfg, "meetingDetailsOrganizer", "Storyline.Organizer"),
                _ribbon(cfg, "mailCompose", "Storyline.Compose"),
            ],
        }],
    }
    if cfg.client_id:
        doc["webApplicationInfo"] = {"id": cfg.client_id,
                                     "resource": f"api://{host}/{cfg.client_id}"}
    return doc


def write_manifests(cfg: ManifestConfig, folder: Path) -> list[Path]:
    """Writes both manifests into ``folder``; gives their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    xml_path, json_path = folder / "manifest.xml", folder / "manifest.json"
    xml_path.write_text(manifest_xml(cfg), encoding="utf-8")
    json_path.write_text(json.dumps(manifest_json(cfg), indent=2) + "\n", encoding="utf-8")
    return [xml_path, json_path]
