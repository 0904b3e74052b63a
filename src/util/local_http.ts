/**
 * What a server of a local page (the dashboard, the demo) does before its routes. It answers
 * only requests addressed to this machine by name: a page of another site whose name was
 * rebound to 127.0.0.1 (DNS rebinding) still sends its own name in `Host`, and is refused. A
 * URL that does not decode is the client's error (400), not the server's.
 */

/** `Host` values served: 127.0.0.1 or localhost, with or without a port. */
const LOCAL_HOST = /^(127\.0\.0\.1|localhost)(:\d{1,5})?$/i;

/** Whether a request's `Host` header names this machine (missing: no). */
export function isLocalHost(host: string | null): boolean {
  return host !== null && LOCAL_HOST.test(host);
}

function refusal(status: number, error: string): Response {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

/** `handler`, answering only local `Host`s (403 otherwise) and a malformed URI with 400. */
export function localOnly(
  handler: (request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const host = request.headers.get("host");
    if (!isLocalHost(host)) {
      return refusal(
        403,
        `Host '${host ?? ""}' is not served: expected 127.0.0.1 or localhost (with a port or none)`,
      );
    }
    try {
      return await handler(request);
    } catch (e) {
      if (e instanceof URIError) {
        return refusal(400, `malformed URI '${new URL(request.url).pathname}': ${e.message}`);
      }
      throw e;
    }
  };
}
