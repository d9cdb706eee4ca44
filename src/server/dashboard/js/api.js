// The status API from the browser. The token lives in sessionStorage (gone when the tab closes),
// travels only in the Authorization header, and never in a URL: the event stream is read with
// fetch (which can send headers) instead of EventSource (which cannot).

const KEY = 'syncscope.token';

export const session = {
  get token() {
    return sessionStorage.getItem(KEY);
  },
  set(token) {
    sessionStorage.setItem(KEY, token);
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${session.token ?? ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const api = {
  me: () => call('GET', '/me'),
  runs: (query = '') => call('GET', `/runs${query}`),
  run: (id) => call('GET', `/runs/${encodeURIComponent(id)}`),
  errors: (id, limit = 10) => call('GET', `/runs/${encodeURIComponent(id)}/errors?limit=${limit}`),
  pipelines: () => call('GET', '/pipelines'),
  queue: () => call('GET', '/queue/stats'),
  start: (pipeline, execute, options) => call('POST', '/runs', { pipeline, execute, options }),
  cancel: (id) => call('POST', `/runs/${encodeURIComponent(id)}/cancel`),
  resume: (id) => call('POST', `/runs/${encodeURIComponent(id)}/resume`),
};

/**
 * Reads `GET /runs/:id/events` until the run ends (`end` event) or `signal` aborts; calls
 * `onEvent(name, data)` per event. A dropped connection is retried after the server's `retry:`
 * delay while the run is live. Resolves with the reason it stopped: `end`, `aborted` or `gone`.
 */
export async function streamRun(id, onEvent, signal) {
  let retryMs = 2000;
  while (!signal.aborted) {
    try {
      const res = await fetch(`/api/v1/runs/${encodeURIComponent(id)}/events`, {
        headers: { Accept: 'text/event-stream', Authorization: `Bearer ${session.token ?? ''}` },
        signal,
      });
      if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let at;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event = parseBlock(block);
          if (event.retry) retryMs = event.retry;
          if (!event.data) continue;
          const data = JSON.parse(event.data);
          onEvent(event.name, data);
          if (event.name === 'end') return 'end';
        }
      }
    } catch (error) {
      if (signal.aborted) return 'aborted';
      if (error instanceof ApiError && error.status < 500) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
  return 'aborted';
}

function parseBlock(block) {
  const event = { name: 'message', data: '', retry: 0 };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event.name = value;
    else if (field === 'data') event.data += (event.data ? '\n' : '') + value;
    else if (field === 'retry' && /^\d+$/.test(value)) event.retry = Number(value);
  }
  return event;
}
