#!/usr/bin/env node
import { exitWhenDone } from './exit-when-done.js';
import { main } from './main.js';

main(process.argv).then(exitWhenDone, (error: unknown) => {
  process.stderr.write(`syncscope: ${String(error)}\n`);
  exitWhenDone(1);
});
