import type { PlannedContainer } from '../../wiring/pipeline-connectors.js';

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * What a dry run would have written, per customer and group: the answer to "what will --execute
 * do?" before it does anything. Items are listed up to the few each group keeps as a sample.
 */
export function renderPlannedWork(plan: PlannedContainer[], target: string): string {
  if (plan.length === 0) return `\n  Dry run: nothing to do — no pending rows matched.\n\n`;
  const lines = [``, `  Dry run: nothing was written. Planned for ${target}:`];
  const byPartition = new Map<string, PlannedContainer[]>();
  for (const group of plan) byPartition.set(group.partition, [...(byPartition.get(group.partition) ?? []), group]);
  for (const [partition, groups] of byPartition) {
    const items = groups.reduce((sum, g) => sum + g.records, 0);
    const creates = groups.reduce((sum, g) => sum + g.creates, 0);
    const newGroups = groups.filter((g) => !g.known).length;
    lines.push(`  ${partition}: ${plural(groups.length, 'group')} (${newGroups} to find or create), ${plural(items, 'item')} (${creates} to create, ${items - creates} to update)`);
    for (const g of groups) {
      lines.push(`    ▸ group "${g.name}"${g.known ? ' (known)' : ''}: ${plural(g.records, 'item')}`);
      for (const item of g.sample) lines.push(`        ${item}`);
      if (g.records > g.sample.length) lines.push(`        … and ${g.records - g.sample.length} more`);
    }
  }
  return `${lines.join('\n')}\n\n`;
}
