import { startMondaySimulator, type BoardSpec, type MondaySimulator, type MondaySimulatorOptions } from '../../../src/simulator/monday/index.js';

export const TOKEN = 'monday-sim-token-7f3a';
export const BOARD = '4242424242';

export const ORDER_BOARD: BoardSpec = {
  id: BOARD,
  name: 'Orders',
  externalKeyColumnId: 'order_key',
  columns: [
    { id: 'order_key', title: 'Order key', type: 'text' },
    { id: 'status', title: 'Status', type: 'status', labels: ['OPEN', 'SHIPPED', 'CANCELLED'] },
    { id: 'sizes', title: 'Sizes', type: 'dropdown', labels: ['S', 'M', 'L'] },
    { id: 'qty', title: 'Quantity', type: 'numbers' },
    { id: 'ship_date', title: 'Ship date', type: 'date' },
  ],
  subitemColumns: [{ id: 'qty', title: 'Quantity', type: 'numbers' }],
  groups: [{ id: 'topics', title: 'Group Title' }],
};

export function startSim(options: Partial<MondaySimulatorOptions> = {}): Promise<MondaySimulator> {
  return startMondaySimulator({ boards: [structuredClone(ORDER_BOARD)], token: TOKEN, ...options });
}

export interface GqlResponse {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

/** One raw GraphQL call, as any client would send it. */
export async function gql(
  sim: MondaySimulator,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResponse> {
  const response = await fetch(sim.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: TOKEN, 'api-version': '2026-10', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}
