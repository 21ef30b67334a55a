// The verdict feed (text/event-stream) read with fetch: EventSource cannot send the X-Api-Key header.

import { send, Unauthorized } from './api.js';

/**
 * Server-sent events parser (the WHATWG rules): feed it decoded text in any pieces; it calls onEvent with
 * {type, data, id} at each blank line, skips comments (": keepalive") and remembers the last id and retry.
 */
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.pendingCr = false;
    this.reset();
    this.lastId = '';
    this.retryMs = null;
  }

  reset() {
    this.type = '';
    this.data = [];
  }

  push(text) {
    // a \r\n pair may be split between two pieces: a lone \r already ended its line, so drop the \n
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop();
    this.pendingCr = text.endsWith('\r');
    for (const line of lines) this.line(line);
  }

  line(line) {
    if (line === '') {
      if (this.data.length) {
        this.onEvent({ type: this.type || 'message', data: this.data.join('\n'), id: this.lastId });
      }
      this.reset();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}

/**
 * Follows a stream until stopped: on a dropped connection it reconnects with Last-Event-ID set to the last id
 * seen, so nothing is missed in between; waits grow from 1 s to 30 s while the server is away.
 */
export function follow(path, { onEvent, onState }) {
  const controller = new AbortController();
  let lastId = '';
  let stopped = false;

  (async () => {
    let waitMs = 1000;
    while (!stopped) {
      const parser = new SseParser(event => {
        lastId = event.id;
        onEvent(event);
      });
      parser.lastId = lastId;
      try {
        onState('connecting');
        const headers = { Accept: 'text/event-stream' };
        if (lastId) headers['Last-Event-ID'] = lastId;
        const response = await send(path, { headers, signal: controller.signal });
        if (!response.ok || !response.body) {
          onState(response.status === 404 ? 'unavailable' : 'error', `HTTP ${response.status}`);
        } else {
          onState('open');
          waitMs = 1000;
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          for (let piece = await reader.read(); !piece.done; piece = await reader.read()) {
            parser.push(piece.value);
          }
          lastId = parser.lastId;
          onState('closed');
        }
      } catch (e) {
        lastId = parser.lastId || lastId;
        if (stopped || e instanceof Unauthorized) return;
        onState('error', e.message);
      }
      if (parser.retryMs !== null) waitMs = parser.retryMs;
      await new Promise(resolve => setTimeout(resolve, waitMs));
      waitMs = Math.min(waitMs * 2, 30_000);
    }
  })();

  return () => {
    stopped = true;
    controller.abort();
  };
}
