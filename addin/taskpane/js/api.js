// The one helper for calls to the Storyline API: bearer token, JSON in and out, one retry with
// a fresh token on 401, errors as ApiError (or SignedOut when no token is accepted).
import { SignedOut, forget, getToken } from "./auth.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.name = "ApiError"; this.status = status; this.code = code;
  }
}

export async function api(path, { method = "GET", body, signal } = {}) {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const token = await getToken({ force: attempt > 0 });
    const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let resp;
    try {
      resp = await fetch(path, {
        method, headers, signal, credentials: "omit", cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(0, "network", "Storyline can't be reached. Check your connection.");
    }
    let data = null;
    try { data = await resp.json(); } catch { data = null; }
    if (resp.ok) return data;
    const err = (data && data.error) || {};
    if (resp.status === 401) {
      forget();
      if (attempt === 0) continue;
      throw new SignedOut(err.code || "invalid_token");
    }
    throw new ApiError(resp.status, err.code, err.message);
  }
  throw new SignedOut("invalid_token");
}
