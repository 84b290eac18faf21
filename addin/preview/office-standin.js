// A small stand-in for office.js in the browser preview: the subset of the Office API the
// Storyline pane uses, backed by the preview page (window.parent.StorylinePreviewHost).
// Tokens come from the local preview token endpoint (this machine only; never with Entra).
(function () {
  "use strict";
  let host = null;
  // the preview page may still be starting when the pane loads: wait for it (bounded)
  const hostReady = new Promise((resolve) => {
    let tries = 0;
    const look = () => {
      const found = window.parent && window.parent !== window ? window.parent.StorylinePreviewHost : null;
      if (found || tries++ > 100) { host = found || null; resolve(host); } else setTimeout(look, 50);
    };
    look();
  });
  const ok = (value) => ({ status: "succeeded", value });
  const callbackOf = (args) => [...args].reverse().find((a) => typeof a === "function");
  const asyncValue = (read) => ({ getAsync() { const cb = callbackOf(arguments); setTimeout(() => cb(ok(read())), 0); } });
  const person = (p) => (p ? { displayName: p.name || "", emailAddress: p.address } : null);

  function wrap(item) {
    if (!item) return null;
    if (item.mode === "compose") {
      return {
        itemType: "message", itemId: null,
        subject: asyncValue(() => item.subject),
        to: asyncValue(() => item.to.map(person)),
        cc: asyncValue(() => item.cc.map(person)),
        body: asyncValue(() => item.body),
        loadCustomPropertiesAsync(cb) {
          const props = item.properties;
          cb(ok({ get: (k) => props[k], set: (k, v) => { props[k] = v; }, remove: (k) => { delete props[k]; },
            saveAsync: (done) => done && done(ok()) }));
        },
      };
    }
    const body = { getAsync() { const cb = callbackOf(arguments); setTimeout(() => cb(ok(item.body || "")), 0); } };
    if (item.mode === "organizer") {
      // Outlook's appointment organizer mode: the seller's own meeting, open for editing
      return {
        itemType: "appointment",
        subject: asyncValue(() => item.subject),
        start: asyncValue(() => new Date(item.occurred_at)),
        end: asyncValue(() => (item.ends_at ? new Date(item.ends_at) : null)),
        requiredAttendees: asyncValue(() => item.attendees.map(person)),
        optionalAttendees: asyncValue(() => []),
        organizer: asyncValue(() => person(item.from)),
        body,
        getItemIdAsync() {
          const cb = callbackOf(arguments);
          setTimeout(() => cb(item.saved === false
            ? { status: "failed", error: { code: 9041, name: "ItemNotSaved", message: "The item has not been saved." } }
            : ok(item.id)), 0);
        },
        addHandlerAsync(type, handler, cb) {
          if (typeof item.on === "function") item.on(type, handler);
          if (typeof cb === "function") cb(ok());
        },
      };
    }
    if (item.kind === "meeting") {
      return {
        itemType: "appointment", itemId: item.id, subject: item.subject, organizer: person(item.from),
        requiredAttendees: item.attendees.map(person), optionalAttendees: [],
        start: new Date(item.occurred_at), end: item.ends_at ? new Date(item.ends_at) : null, body,
      };
    }
    return {
      itemType: "message", itemId: item.id, internetMessageId: item.key, conversationId: item.thread_id,
      subject: item.subject, from: person(item.from), to: item.to.map(person), cc: item.cc.map(person),
      dateTimeCreated: new Date(item.occurred_at), body,
    };
  }

  const mailbox = {
    get item() { return host ? wrap(host.current()) : null; },
    get userProfile() {
      const u = host && host.user;
      return { displayName: u ? u.name : "", emailAddress: u ? u.email : "", timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };
    },
    diagnostics: { hostName: "StorylinePreview", hostVersion: "1.0" },
    // the item's id in the seller's mailbox as Graph knows it (what calendar sync stored)
    convertToRestId(itemId) {
      const item = host ? host.current() : null;
      return item && item.id === itemId && item.graph_id ? item.graph_id : itemId;
    },
    addHandlerAsync(type, handler, cb) {
      if (host && type === "olkItemSelectedChanged") host.onItemChanged(handler);
      if (typeof cb === "function") cb(ok());
    },
  };

  window.Office = {
    HostType: { Outlook: "Outlook" },
    PlatformType: { OfficeOnline: "OfficeOnline" },
    EventType: {
      ItemChanged: "olkItemSelectedChanged", OfficeThemeChanged: "officeThemeChanged",
      RecipientsChanged: "olkRecipientsChanged", AppointmentTimeChanged: "olkAppointmentTimeChanged",
    },
    CoercionType: { Text: "text", Html: "html" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    MailboxEnums: { ItemType: { Message: "message", Appointment: "appointment" }, RestVersion: { v1_0: "v1.0", v2_0: "v2.0", Beta: "beta" } },
    context: { mailbox, officeTheme: null, requirements: { isSetSupported: () => true } },
    onReady(callback) {
      const ready = hostReady.then((found) => (found ? { host: "Outlook", platform: "OfficeOnline" } : { host: null, platform: null }));
      if (callback) ready.then(callback);
      return ready;
    },
  };

  window.StorylinePreview = {
    async getToken() {
      const resp = await fetch("/preview/token", {
        method: "POST", headers: { "Content-Type": "application/json" }, credentials: "omit", cache: "no-store",
        body: JSON.stringify({ user: host ? host.seller : null }),
      });
      const data = await resp.json();
      if (!resp.ok) throw new Error((data.error && data.error.code) || "no token");
      return data.token;
    },
  };
})();
