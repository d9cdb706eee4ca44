import { describe, expect, it } from 'vitest';
import { TerminalProgressBar } from '../../src/cli/output/progress-bar.js';

function fakeTerminal() {
  let written = '';
  const out = { columns: 100, write: (chunk: string | Buffer) => ((written += String(chunk)), true) } as unknown as NodeJS.WriteStream;
  return { out, text: () => written };
}

describe('TerminalProgressBar', () => {
  it('draws partitions, records and failures on one redrawn line', () => {
    const term = fakeTerminal();
    const bar = new TerminalProgressBar(term.out);
    bar.update({ partitionsTotal: 4, partitionsDone: 1, recordsDone: 1200, recordsFailed: 3 });
    expect(term.text()).toMatch(/^\r {2}▕█+░+▏ 1\/4 partitions · 1,200 records \(3 failed\) · [\d,]+\/s · 0:00$/);
  });

  it('clears the bar around log lines and settles on its own line when the run finishes', () => {
    const term = fakeTerminal();
    const bar = new TerminalProgressBar(term.out);
    bar.update({ partitionsTotal: 2, partitionsDone: 0, recordsDone: 0, recordsFailed: 0 });
    bar.logStream().write('12:00:00.000 INFO  sync.repo.started repo=a\n');
    bar.update({ partitionsTotal: 2, partitionsDone: 2, recordsDone: 10, recordsFailed: 0, finished: true });
    bar.logStream().write('12:00:01.000 INFO  sync.pipeline.completed\n');
    const text = term.text();
    expect(text).toContain('\r\x1b[2K12:00:00.000 INFO  sync.repo.started repo=a\n\r  ▕');
    expect(text).toMatch(/2\/2 partitions · 10 records · [\d,]+\/s · 0:00\n12:00:01\.000 INFO {2}sync\.pipeline\.completed\n$/);
  });
});
