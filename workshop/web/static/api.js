// The host's API (/openapi.json), same origin. A request that gets no answer is "offline"
// (the page says so and keeps trying); an answer with an error carries the host's reason.
export class HostError extends Error {
  constructor(status, body, headers) {
    super((body && body.detail) || `HTTP ${status}`);
    this.status = status;
    this.kind = (body && body.error) || "";
    this.texts = (body && body.texts) || null;
    this.retryAfter = Number(headers && headers.get("retry-after")) || 0;
  }
}

export class Offline extends Error {}

export class Api {
  constructor() { this.token = null; }

  async call(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let response;
    try {
      response = await fetch(path, { method, headers, cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (exc) {
      throw new Offline(String(exc));
    }
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    if (!response.ok && response.status !== 202) throw new HostError(response.status, data, response.headers);
    return { status: response.status, data };
  }
}
