import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('syncscope token new', () => {
  it('prints a fresh random token once and the config entry with only its SHA-256', async () => {
    const [a, b] = await Promise.all([
      runCli(['token', 'new', '--id', 'acme-ops', '--organization', 'acme', '--role', 'operate']),
      runCli(['token', 'new', '--id', 'acme-ops', '--organization', 'acme', '--role', 'operate']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    const token = /^\s+(ssc_[A-Za-z0-9_-]{43})$/m.exec(a.stdout)?.[1];
    expect(token).toBeDefined();
    expect(b.stdout).not.toContain(token!);
    const sha = createHash('sha256').update(token!).digest('hex');
    expect(a.stdout).toContain(`sha256 = "${sha}"`);
    expect(a.stdout).toContain('organization = "acme"');
    expect(a.stdout).toContain('role = "operate"');
    const env = /SYNCSCOPE_API_TOKENS='(.+)'/.exec(a.stdout)?.[1];
    expect(JSON.parse(env!)).toEqual([{ id: 'acme-ops', organization: 'acme', role: 'operate', sha256: sha }]);
    // The token appears once: the config lines hold only its hash.
    expect(a.stdout.split(token!).length - 1).toBe(1);
  });

  it('names a bad organization', async () => {
    const result = await runCli(['token', 'new', '--id', 'x', '--organization', 'Not Valid']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('organization');
  });
});
