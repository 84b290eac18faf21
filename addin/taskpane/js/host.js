// The Office side: what item is open (read message, meeting, or a draft being composed), who is
// on it, following the selection when the pane is pinned, and the Office theme.

function call(fn) {
  return new Promise((resolve, reject) => {
    fn((result) => {
      if (result.status === "failed" || (window.Office && result.status === Office.AsyncResultStatus.Failed)) {
        reject(new Error(result.error ? result.error.message : "Office call failed"));
      } else {
        resolve(result.value);
      }
    });
  });
}

/** The item's id as REST v2.0 / Microsoft Graph know it (what calendar sync stored); Outlook
 * hands the pane an EWS id, which the server also accepts when the host cannot convert it. */
function restId(itemId) {
  if (!itemId) return null;
  const box = mailbox();
  const version = window.Office && Office.MailboxEnums && Office.MailboxEnums.RestVersion;
  if (typeof box.convertToRestId === "function" && version) {
    try { return box.convertToRestId(itemId, version.v2_0) || itemId; } catch { /* older hosts */ }
  }
  return itemId;
}

const person = (p) => (p ? { name: p.displayName || "", address: (p.emailAddress || "").toLowerCase() } : null);

export function mailbox() { return Office.context.mailbox; }

export function me() {
  const profile = mailbox().userProfile || {};
  return { name: profile.displayName || "", address: (profile.emailAddress || "").toLowerCase() };
}

/** The open item as plain data, or null when nothing is selected. */
export function currentItem() {
  const item = mailbox().item;
  if (!item) return null;
  const isCompose = typeof item.subject !== "string" && item.body && item.to && typeof item.to.getAsync === "function";
  if (isCompose) {
    return {
      mode: "compose", kind: "email", id: item.itemId || null,
      async read() {
        const [subject, to, cc, body] = await Promise.all([
          call((cb) => item.subject.getAsync(cb)),
          call((cb) => item.to.getAsync(cb)),
          call((cb) => item.cc.getAsync(cb)),
          call((cb) => item.body.getAsync(Office.CoercionType.Text, cb)),
        ]);
        return { subject, to: (to || []).map(person), cc: (cc || []).map(person), body: body || "" };
      },
      customProperties: () => call((cb) => item.loadCustomPropertiesAsync(cb)),
    };
  }
  const meeting = item.itemType === "appointment" || item.itemType === Office.MailboxEnums?.ItemType?.Appointment;
  const body = () => call((cb) => item.body.getAsync(Office.CoercionType.Text, cb));
  if (meeting && item.requiredAttendees && typeof item.requiredAttendees.getAsync === "function") {
    return organizerItem(item, body);
  }
  if (meeting) {
    const attendees = [...(item.requiredAttendees || []), ...(item.optionalAttendees || [])].map(person);
    return {
      mode: "read", kind: "meeting", id: item.itemId, key: null, subject: item.subject || "",
      from: person(item.organizer), to: attendees, cc: [], conversationId: null,
      sentAt: item.start ? new Date(item.start).toISOString() : null,
      eventId: restId(item.itemId), body,
    };
  }
  return {
    mode: "read", kind: "email", id: item.itemId, key: item.internetMessageId || null,
    subject: item.subject || "", from: person(item.from), to: (item.to || []).map(person),
    cc: (item.cc || []).map(person), conversationId: item.conversationId || null,
    sentAt: item.dateTimeCreated ? new Date(item.dateTimeCreated).toISOString() : null,
    body: () => call((cb) => item.body.getAsync(Office.CoercionType.Text, cb)),
  };
}

/** A meeting the seller organizes, open for editing (Outlook's appointment organizer mode):
 * every field is read asynchronously, so `read()` gives the same shape as a meeting in read
 * mode. The event id exists only once the meeting is saved (`getItemIdAsync`, Mailbox 1.8);
 * a new meeting has none (`unsaved`), and its prep waits for the invitation to be sent. */
function organizerItem(item, body) {
  const optional = (field) => (field && typeof field.getAsync === "function"
    ? call((cb) => field.getAsync(cb)).catch(() => null) : Promise.resolve(null));
  const savedId = () => (typeof item.getItemIdAsync === "function"
    ? call((cb) => item.getItemIdAsync(cb)).catch(() => null) // not saved yet: no id
    : Promise.resolve(item.itemId || null));
  return {
    mode: "organizer", kind: "meeting", id: item.itemId || null,
    async read() {
      const [subject, start, required, optionals, organizer, itemId] = await Promise.all([
        call((cb) => item.subject.getAsync(cb)),
        call((cb) => item.start.getAsync(cb)),
        call((cb) => item.requiredAttendees.getAsync(cb)),
        optional(item.optionalAttendees),
        optional(item.organizer), // Mailbox 1.7; the organizer is the seller where it is missing
        savedId(),
      ]);
      return {
        mode: "organizer", kind: "meeting", id: itemId, key: null, subject: subject || "",
        from: organizer ? person(organizer) : me(), to: [...(required || []), ...(optionals || [])].map(person),
        cc: [], conversationId: null, sentAt: start ? new Date(start).toISOString() : null,
        eventId: restId(itemId), unsaved: !itemId, body,
      };
    },
    /** Calls `handler` when the seller changes the attendees or the time (Mailbox 1.7). */
    watch(handler) {
      const events = [Office.EventType && Office.EventType.RecipientsChanged,
        Office.EventType && Office.EventType.AppointmentTimeChanged].filter(Boolean);
      if (typeof item.addHandlerAsync !== "function") return;
      for (const type of events) {
        try { item.addHandlerAsync(type, handler); } catch { /* older hosts: no live updates */ }
      }
    },
  };
}

/** Calls `handler` whenever the selected item changes (the pane is pinned). */
export function onItemChanged(handler) {
  if (mailbox().addHandlerAsync && Office.EventType && Office.EventType.ItemChanged) {
    mailbox().addHandlerAsync(Office.EventType.ItemChanged, handler);
  }
}

function isDark(color) {
  const m = /^#?([0-9a-f]{6})$/i.exec(color || "");
  if (!m) return null;
  const n = parseInt(m[1], 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.5;
}

/** Follows the Office theme (when Office tells it) or the system's light/dark setting. */
export function applyTheme() {
  const theme = Office.context && Office.context.officeTheme;
  const dark = theme ? isDark(theme.bodyBackgroundColor) : null;
  if (dark === null) document.documentElement.removeAttribute("data-theme");
  else document.documentElement.dataset.theme = dark ? "dark" : "light";
}

export function onThemeChanged(handler) {
  if (mailbox().addHandlerAsync && Office.EventType && Office.EventType.OfficeThemeChanged) {
    try { mailbox().addHandlerAsync(Office.EventType.OfficeThemeChanged, handler); } catch { /* older hosts */ }
  }
}
