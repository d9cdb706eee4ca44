import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

/** Runs a script (through tsx, from the sources) and resolves with its exit code and output. */
function runScript(source: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

describe('exitWhenDone', () => {
  it('ends a process that a never-answered connection would hold open, with the code, keeping its output', async () => {
    const result = await runScript(`
      import { createServer, connect } from 'node:net';
      import { exitWhenDone } from './src/cli/exit-when-done.ts';
      const server = createServer(() => {}).listen(0, '127.0.0.1', () => {
        connect(server.address().port, '127.0.0.1', () => {
          process.stdout.write('summary printed\\n');
          exitWhenDone(3, 100);
        });
      });
    `);
    expect(result).toEqual({ code: 3, stdout: 'summary printed\n' });
  });

  it('lets a process with nothing left to do exit at once with the code', async () => {
    const result = await runScript(`
      import { exitWhenDone } from './src/cli/exit-when-done.ts';
      exitWhenDone(1, 60_000);
    `);
    expect(result.code).toBe(1);
  });
});
