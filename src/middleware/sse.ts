/**
 * A Server-Sent Events reader (WHATWG HTML §9.2.6, "Interpreting an event stream") for the
 * revocation feed: lines split on CR, LF or CRLF; `data` lines joined with LF; `id` sets the last
 * event id (one holding NUL is ignored); comment lines (`:`) are reported, since they are the
 * feed's heartbeat. Bounded: a line longer than {@link MAX_LINE} ends the stream with an error,
 * so a broken or hostile server cannot grow the buffer without limit.
 */

/** One dispatched event. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
  /** The last event id after this event (WHATWG: it persists across events). */
  readonly id: string | undefined;
}

export interface SseHandlers {
  onEvent(event: SseEvent): void;
  /** A comment line (a heartbeat) or any other sign of life. */
  onActivity(): void;
}

/** The longest line accepted (the feed's lines are well under 1 KiB). */
export const MAX_LINE = 64 * 1024;

/** Reads `body` to its end, dispatching each event; rejects on a line past {@link MAX_LINE}. */
export async function readEventStream(body: ReadableStream<Uint8Array>, handlers: SseHandlers, lastId?: string): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id = lastId;
  const line = (text: string): void => {
    if (text === '') {
      if (data.length > 0) handlers.onEvent({ event: event === '' ? 'message' : event, data: data.join('\n'), id });
      data = [];
      event = '';
      return;
    }
    if (text.startsWith(':')) {
      handlers.onActivity();
      return;
    }
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\u0000')) id = value;
  };
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      handlers.onActivity();
      buffer += decoder.decode(value, { stream: true });
      for (let match = /\r\n|\r|\n/.exec(buffer); match !== null; match = /\r\n|\r|\n/.exec(buffer)) {
        // A lone CR at the end may be the first half of CRLF: wait for the next chunk.
        if (match[0] === '\r' && match.index === buffer.length - 1) break;
        line(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
      if (buffer.length > MAX_LINE) throw new Error('event stream line too long');
    }
  } finally {
    reader.releaseLock();
  }
}
