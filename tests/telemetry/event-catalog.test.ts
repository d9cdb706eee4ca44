import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/telemetry/event-catalog.js';
import { SPAN } from '../../src/telemetry/names.js';
import { REPO_ROOT } from '../helpers/cli.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(join(REPO_ROOT, 'src')).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const occurrences = (needle: RegExp) =>
  files.flatMap(({ path, text }) => (text.match(needle) ?? []).map(() => path.replace(`${REPO_ROOT}/`, '')));

describe('the sync.* event catalog', () => {
  it.each(Object.entries(EVENTS))('%s: its name is written once in src/ and emitted from exactly one place', (key, entry) => {
    const escaped = entry.name.replace(/\./g, '\\.');
    // The design names one span like its event (sync.db.write): that constant is a span name.
    const expected = (Object.values(SPAN) as string[]).includes(entry.name)
      ? ['src/telemetry/event-catalog.ts', 'src/telemetry/names.ts']
      : ['src/telemetry/event-catalog.ts'];
    expect(occurrences(new RegExp(`['"\`]${escaped}['"\`]`, 'g')).sort()).toEqual(expected);
    expect(occurrences(new RegExp(`\\bEVENTS\\.${key}\\b`, 'g'))).toHaveLength(1);
  });

  it('names every event sync.<scope>.<action>', () => {
    for (const entry of Object.values(EVENTS)) expect(entry.name).toMatch(/^sync\.[a-z]+\.[a-z_]+$/);
  });

  it('documents every event in the README catalog table', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const entry of Object.values(EVENTS)) expect(readme).toContain(`\`${entry.name}\``);
  });
});
