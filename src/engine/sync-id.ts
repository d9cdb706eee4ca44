import { randomBytes } from 'node:crypto';

/** `YYYYMMDDHHMM-SYNC-XXXXXXXX`: UTC minute, then 8 upper-case hex characters. Sortable by time. */
export const SYNC_ID_PATTERN = /^\d{12}-SYNC-[0-9A-F]{8}$/;

export function newSyncId(now: Date = new Date(), random: () => Buffer = () => randomBytes(4)): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp =
    String(now.getUTCFullYear()) +
    pad(now.getUTCMonth() + 1) +
    pad(now.getUTCDate()) +
    pad(now.getUTCHours()) +
    pad(now.getUTCMinutes());
  return `${stamp}-SYNC-${random().toString('hex').toUpperCase().slice(0, 8)}`;
}

export function isSyncId(value: string): boolean {
  return SYNC_ID_PATTERN.test(value);
}
