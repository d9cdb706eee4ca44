// Preloaded (`node --require`) by the start-up case's instruction counts: the process ends at its
// first call of fetch, having printed a JSON line, so that callgrind counts start-up alone.
'use strict';
const { writeSync } = require('node:fs');
globalThis.fetch = function exitAtFirstFetch() {
  writeSync(1, `${JSON.stringify({ firstFetchAtMs: performance.now() })}\n`);
  process.reallyExit(0);
};
