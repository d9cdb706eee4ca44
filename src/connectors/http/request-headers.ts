/**
 * A request's headers as a plain record with lowercase names, read the way the Fetch standard's
 * `Headers` reads them (values trimmed of HTTP whitespace, repeated names joined with ", "),
 * without constructing a `Headers`. Why not `new Headers(init.headers)`: the first touch of
 * `Headers` or `Request` in a Node 20 process loads its fetch implementation (undici, 25–50 ms),
 * and doing that while describing the first call put that load before the request was even
 * handed to `fetch`, where an octokit client pays it inside `fetch` itself.
 */
export type HeadersInput = NonNullable<RequestInit['headers']>;

interface HeadersLike {
  forEach(callback: (value: string, name: string) => void): void;
}

export function headerRecord(input: HeadersInput | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (input === undefined || input === null) return record;
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    const trimmed = String(value).replace(HTTP_WHITESPACE_EDGES, '');
    record[key] = key in record ? `${record[key]}, ${trimmed}` : trimmed;
  };
  if (Array.isArray(input)) {
    for (const pair of input) {
      if (pair.length !== 2) throw new TypeError(`a header pair must be [name, value]; got ${pair.length} item(s)`);
      add(pair[0]!, pair[1]!);
    }
  } else if (isHeadersLike(input)) {
    // A Headers (or anything iterable like one) already joined and lowercased its values.
    input.forEach((value, name) => add(name, value));
  } else {
    for (const [name, value] of Object.entries(input as Record<string, string>)) {
      if (value !== undefined) add(name, value);
    }
  }
  return record;
}

function isHeadersLike(input: HeadersInput): input is HeadersInput & HeadersLike {
  return typeof (input as Partial<HeadersLike>).forEach === 'function';
}

/** Leading and trailing HTTP whitespace (tab, line feed, carriage return, space), as Headers strips. */
const HTTP_WHITESPACE_EDGES = /^[\t\n\r ]+|[\t\n\r ]+$/g;
