import type { Kysely } from 'kysely';

/** A generated order book: customers, their seasons (one Monday group each) and orders per group. */
export interface OrderBookSpec {
  customers: number;
  /** Customer-season groups in all (each customer gets ⌊groups/customers⌋ or one more). */
  groups: number;
  orders: number;
  /** Sizes and names vary with it; the same seed gives the same book. */
  seed?: number;
}

/** The seeds' production run: 7,104 orders, 34 customers, 127 customer-season groups. */
export const PRODUCTION_BOOK: OrderBookSpec = { customers: 34, groups: 127, orders: 7_104 };
/** What `demo orders` syncs by default: a couple of seconds. */
export const SMALL_BOOK: OrderBookSpec = { customers: 5, groups: 10, orders: 120 };

const NAMES = [
  'PELOTON', 'NORTHWIND', 'CONTOSO', 'FABRIKAM', 'TAILSPIN', 'WINGTIP', 'LITWARE', 'PROSEWARE', 'ADATUM', 'FOURTH COFFEE',
  'ALPINE SKI', 'BLUE YONDER', 'COHO VINEYARD', 'GRAPHIC DESIGN', 'HUMONGOUS', 'LUCERNE', 'MARGIES', 'NOD PUBLISHERS', 'SOUTHRIDGE', 'TREY RESEARCH',
  'WIDE WORLD', 'WOODGROVE', 'BELLOWS', 'CASCADE', 'DUNMORE', 'EVERGREEN', 'FALCON', 'GLACIER', 'HARBOR', 'IRONWOOD',
  'JUNIPER', 'KESTREL', 'LANTERN', 'MERIDIAN', 'NORTHSTAR', 'OAKRIDGE', 'PINNACLE', 'QUARRY', 'REDWOOD', 'SUMMIT',
];
const SEASONS = ['SS25', 'FW25', 'SS26', 'FW26', 'SS27', 'FW27'];
const STYLES = ['Merino Crew', 'Trail Jacket', 'Core Tee', 'Rib Beanie', 'Studio Legging', 'Cycling Bib', 'Windbreaker', 'Fleece Hoodie'];
/** As order systems write them: the case varies, the board's labels are upper case. */
const STATUSES = ['OPEN', 'Open', 'CONFIRMED', 'Shipped', 'SHIPPED', 'Cancelled'];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];

/** One order row as the demo table holds it (write-back columns start empty, state PENDING). */
export interface GeneratedOrder {
  ORDER_ID: number;
  ORDER_NUMBER: string;
  CUSTOMER: string;
  SEASON: string;
  STYLE: string;
  ORDER_STATUS: string;
  SIZES: string;
  QTY: number;
  SHIP_DATE: string;
  SIZE_BREAKDOWN: string;
}

/** Deterministic orders: group g gets ⌊orders/groups⌋ or one more; fields vary with the seed. */
export function generateOrders(spec: OrderBookSpec): GeneratedOrder[] {
  if (spec.customers < 1 || spec.groups < spec.customers || spec.customers > NAMES.length || spec.groups > spec.customers * SEASONS.length) {
    throw new RangeError(`an order book needs 1–${NAMES.length} customers and customers ≤ groups ≤ ${SEASONS.length} × customers`);
  }
  const seed = spec.seed ?? 42;
  const groups: Array<{ customer: string; season: string }> = [];
  for (let c = 0; c < spec.customers; c++) {
    const seasons = Math.floor(spec.groups / spec.customers) + (c < spec.groups % spec.customers ? 1 : 0);
    for (let s = 0; s < seasons; s++) groups.push({ customer: NAMES[c] as string, season: SEASONS[s] as string });
  }
  const orders: GeneratedOrder[] = [];
  groups.forEach((group, g) => {
    const count = Math.floor(spec.orders / groups.length) + (g < spec.orders % groups.length ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const n = orders.length;
      const pick = <T>(list: readonly T[], salt: number) => list[(n * 7 + salt * 13 + seed) % list.length] as T;
      const sizes = SIZES.filter((_, k) => (n + k + seed) % 3 !== 0).slice(0, 3);
      const breakdown = sizes.map((size, k) => ({ size, qty: 2 + ((n + k * 5 + seed) % 9) }));
      orders.push({
        ORDER_ID: 100_001 + n,
        ORDER_NUMBER: `PO-${group.season}-${String(n + 1).padStart(5, '0')}`,
        CUSTOMER: group.customer,
        SEASON: group.season,
        STYLE: pick(STYLES, 1),
        ORDER_STATUS: pick(STATUSES, 2),
        SIZES: sizes.join(','),
        QTY: breakdown.reduce((sum, b) => sum + b.qty, 0),
        SHIP_DATE: `20${group.season.slice(2)}-${String(1 + ((n + seed) % 12)).padStart(2, '0')}-${String(1 + ((n * 3) % 28)).padStart(2, '0')}`,
        SIZE_BREAKDOWN: JSON.stringify(breakdown),
      });
    }
  });
  return orders;
}

/**
 * Creates `FACT_ORDER_LIST` (dropping an older one) and fills it with `orders`, pending; the same
 * Kysely code for SQLite and PostgreSQL. Write-back columns are text, as a team's export would be.
 */
export async function seedOrderTable(db: Kysely<Record<string, Record<string, unknown>>>, orders: GeneratedOrder[], table = 'FACT_ORDER_LIST'): Promise<void> {
  await db.schema.dropTable(table).ifExists().execute();
  await db.schema
    .createTable(table)
    .addColumn('ORDER_ID', 'integer', (c) => c.primaryKey())
    .addColumn('ORDER_NUMBER', 'text', (c) => c.notNull())
    .addColumn('CUSTOMER', 'text')
    .addColumn('SEASON', 'text')
    .addColumn('STYLE', 'text')
    .addColumn('ORDER_STATUS', 'text')
    .addColumn('SIZES', 'text')
    .addColumn('QTY', 'integer')
    .addColumn('SHIP_DATE', 'text')
    .addColumn('SIZE_BREAKDOWN', 'text')
    .addColumn('SYNC_STATE', 'text', (c) => c.notNull().defaultTo('PENDING'))
    .addColumn('MONDAY_ITEM_ID', 'text')
    .addColumn('MONDAY_GROUP_ID', 'text')
    .addColumn('SYNC_ID', 'text')
    .addColumn('SYNC_ERROR_CATEGORY', 'text')
    .addColumn('SYNC_ERROR_MESSAGE', 'text')
    .addColumn('SYNCED_AT', 'text')
    .execute();
  await db.schema.createIndex(`${table}_pending`).on(table).columns(['SYNC_STATE', 'CUSTOMER', 'ORDER_ID']).execute();
  await db.schema.createIndex(`${table}_sync`).on(table).columns(['SYNC_ID', 'CUSTOMER', 'ORDER_ID']).execute();
  // 500 rows × 10 columns stays under both dialects' bound-parameter limits.
  for (let at = 0; at < orders.length; at += 500) {
    await db.insertInto(table).values(orders.slice(at, at + 500).map((o) => ({ ...o }))).execute();
  }
}
