import { describe, expect, it } from 'vitest';
import { MissingToolError, skipWithoutTools, TOOLS, underCi } from './required-tools.js';

describe('required tools gate', () => {
  const saved = TOOLS.promtool.command;
  const withMissingPromtool = (run: () => void) => {
    (TOOLS.promtool as { command: string }).command = 'syncscope-no-such-tool';
    try {
      run();
    } finally {
      (TOOLS.promtool as { command: string }).command = saved;
    }
  };

  it('fails under CI=true, naming the tool and how to install it', () => {
    withMissingPromtool(() => {
      expect(() => skipWithoutTools(['promtool'], { CI: 'true' })).toThrow(MissingToolError);
      expect(() => skipWithoutTools(['promtool'], { CI: 'true' })).toThrow(/syncscope-no-such-tool \(apt-get install prometheus\)/);
    });
  });

  it('skips (true) on a developer machine without the tool', () => {
    withMissingPromtool(() => expect(skipWithoutTools(['promtool'], {})).toBe(true));
  });

  it('does not skip when the tool is there (node stands in for it)', () => {
    (TOOLS.promtool as { command: string }).command = process.execPath;
    try {
      expect(skipWithoutTools(['promtool'], { CI: 'true' })).toBe(false);
    } finally {
      (TOOLS.promtool as { command: string }).command = saved;
    }
  });

  it.each([['true', true], ['1', true], ['', false], ['false', false], ['0', false], [undefined, false]])('CI=%s counts as CI: %s', (value, expected) => {
    expect(underCi(value === undefined ? {} : { CI: value })).toBe(expected);
  });
});
