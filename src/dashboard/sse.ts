/**
 * Server-Sent Events framing (the text/event-stream format): one message is a block of
 * `field: value` lines closed by a blank line. Data is JSON on a single line, so it never
 * needs splitting into several `data:` lines.
 */

export interface SseMessage {
  /** The event name the page listens to (addEventListener(event, ...)). */
  event: string;
  data: unknown;
  /** Sent back by the browser as Last-Event-ID when it reconnects. */
  id?: string | number;
}

/** One message, ready to write to the stream. */
export function sseMessage({ event, data, id }: SseMessage): string {
  // JSON.stringify escapes newlines inside strings, so the data is one line.
  return sseFrame(event, JSON.stringify(data), id);
}

/** One message whose data is JSON text already (e.g. records kept as text). */
export function sseFrame(event: string, json: string, id?: string | number): string {
  for (const [name, value] of [["event", event], ["id", id ?? ""], ["data", json]]) {
    if (/[\r\n]/.test(String(value))) {
      throw new Error(`SSE ${name} must be a single line, found a line break`);
    }
  }
  let text = `event: ${event}\n`;
  if (id !== undefined) text += `id: ${id}\n`;
  return text + `data: ${json}\n\n`;
}

/** A comment line: ignored by the browser, keeps idle connections open through proxies. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

/** How long the browser waits before reconnecting after the stream breaks. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.round(ms)}\n\n`;
}
