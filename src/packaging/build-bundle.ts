/**
 * `npm run build` (after tsc): writes the bundled CLI to dist/bundle/ — `syncscope.js` and its
 * chunks, which package.json "bin" and the Docker image run.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleCli } from './bundle-cli.js';

const outDir = join(resolve(import.meta.dirname, '../..'), 'dist/bundle');
rmSync(outDir, { recursive: true, force: true });
const { metafile } = await bundleCli(outDir);
const bytes = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.js')).reduce((sum, [, output]) => sum + output.bytes, 0);
process.stdout.write(`bundled the CLI into ${outDir} (${(bytes / 1024 / 1024).toFixed(1)} MB of JavaScript)\n`);
