import type { OrderRecordData } from '../../ports/order-record.js';

const PLACEHOLDER = /\{([^{}]+)\}/g;
/** Names every template may use beside the row's columns. */
const BUILT_IN = new Set(['key', 'customer', 'season']);

/** The source columns a template reads (its placeholders other than key, customer, season). */
export function templateColumns(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? '').trim()).filter((name) => !BUILT_IN.has(name));
}

/** Fills `{customer} {season}`-style templates from an order; empty values leave no double spaces. */
export function fillTemplate(template: string, order: OrderRecordData): string {
  const filled = template.replace(PLACEHOLDER, (_, raw: string) => {
    const name = raw.trim();
    const value = name === 'key' ? order.key : name === 'customer' ? order.customer : name === 'season' ? order.season : order.fields[name];
    return value === null || value === undefined ? '' : String(value);
  });
  return filled.replace(/\s{2,}/g, ' ').trim();
}
