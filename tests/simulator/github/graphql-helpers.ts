/** A GraphQL answer as a test reads it: status, headers, and the JSON body. */
export interface GraphqlAnswer<T = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: Array<{ type?: string; code?: string; path?: Array<string | number>; locations?: unknown[]; message: string }>; message?: string };
}

/** POSTs a query to the simulator's /graphql, as a GraphQL client would. */
export async function postGraphql<T = Record<string, any>>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  init: { rawBody?: string; headers?: Record<string, string> } = {},
): Promise<GraphqlAnswer<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.rawBody ?? JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphqlAnswer<T>['body'] };
}
