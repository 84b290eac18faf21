// Tokens for the API. In Outlook: nested app authentication (MSAL.js
// createNestablePublicClientApplication, the host signs in for us). In the browser preview:
// the local preview token endpoint, through the Office stand-in. Tokens stay in memory only:
// never in a URL, localStorage or sessionStorage.

export class SignedOut extends Error {
  constructor(reason) { super(reason || "signed out"); this.name = "SignedOut"; this.reason = reason; }
}

let cached = null; // { token, exp }
let msalApp = null;
let config = null;

function expiry(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload)).exp || 0;
  } catch {
    return 0;
  }
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const tag = document.createElement("script");
    tag.src = src;
    tag.onload = resolve;
    tag.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(tag);
  });
}

async function naaToken(force) {
  if (!config) {
    const resp = await fetch("/taskpane/config.json", { cache: "no-store", credentials: "omit" });
    config = await resp.json();
  }
  if (!config.client_id) throw new SignedOut("not_configured");
  if (!msalApp) {
    if (!window.msal) await loadScript("/taskpane/vendor/msal-browser.min.js");
    msalApp = await window.msal.createNestablePublicClientApplication({
      auth: { clientId: config.client_id, authority: config.authority },
      cache: { cacheLocation: "memoryStorage" },
    });
  }
  const request = { scopes: config.scopes, forceRefresh: force };
  try {
    return (await msalApp.acquireTokenSilent(request)).accessToken;
  } catch (silentError) {
    try {
      return (await msalApp.acquireTokenPopup({ scopes: config.scopes })).accessToken;
    } catch (popupError) {
      throw new SignedOut(popupError.errorCode || "interaction_required");
    }
  }
}

/** A bearer token for the API; `force` skips the cached one (after a 401). */
export async function getToken({ force = false } = {}) {
  const now = Date.now() / 1000;
  if (!force && cached && cached.exp - 60 > now) return cached.token;
  let token;
  if (window.StorylinePreview && window.StorylinePreview.getToken) {
    try {
      token = await window.StorylinePreview.getToken();
    } catch (error) {
      throw new SignedOut(error.message);
    }
  } else {
    token = await naaToken(force);
  }
  cached = { token, exp: expiry(token) };
  return token;
}

/** Forgets the token (a 401 that a fresh token did not cure). */
export function forget() { cached = null; }
