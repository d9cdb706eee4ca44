#!/usr/bin/env node
import { exitWhenDone } from './exit-when-done.js';
import { limitHeapGrowth } from './heap-growth.js';
import { main } from './main.js';

limitHeapGrowth();
main(process.argv).then(exitWhenDone, (error: unknown) => {
  process.stderr.write(`syncscope: ${String(error)}\n`);
  exitWhenDone(1);
});
