import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { PartitionKind } from '../ports/records.js';

export const SUMMARY_MARKDOWN = '_SYNC_SUMMARY.md';
export const SUMMARY_JSON = '_SYNC_SUMMARY.json';

/** `repo_reports/` or `customer_reports/`, as the design names them. */
export function partitionFolder(kind: PartitionKind): string {
  return kind === 'repo' ? 'repo_reports' : 'customer_reports';
}

/** `<reports dir>/sync/<sync ID>`. */
export function syncReportDir(reportsDir: string, syncId: string): string {
  return join(reportsDir, 'sync', syncId);
}

const MAX_STEM = 120;

/**
 * File stems for partition keys: `octo/web` → `octo__web`; anything outside `[A-Za-z0-9._-]`
 * becomes `_`. Keys that would clash (also case-insensitively, for macOS and Windows file
 * systems) or that are too long get a short hash of the key appended, so every partition keeps
 * its own file and the same key always gets the same name.
 */
export class PartitionFileNamer {
  private readonly used = new Set<string>();

  stem(key: string): string {
    const plain = key.replace(/\//g, '__').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
    let stem = plain.length > MAX_STEM ? `${plain.slice(0, MAX_STEM)}-${hashOf(key)}` : plain || `_${hashOf(key)}`;
    if (this.used.has(stem.toLowerCase())) stem = `${stem}-${hashOf(key)}`;
    this.used.add(stem.toLowerCase());
    return stem;
  }
}

function hashOf(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}
