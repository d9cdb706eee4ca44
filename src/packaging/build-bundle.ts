/**
 * `npm run build` (after tsc): writes the bundled CLI to dist/bundle/ — `syncscope.js` (the
 * launcher package.json "bin" and the Docker image run), `syncscope.cjs` and its chunks.
 */
import { rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleCli } from './bundle-cli.js';

const outDir = join(resolve(import.meta.dirname, '../..'), 'dist/bundle');
rmSync(outDir, { recursive: true, force: true });
const { metafile, buildId } = await bundleCli(outDir);
const bytes = Object.keys(metafile.outputs).filter((file) => file.endsWith('.cjs')).reduce((sum, file) => sum + statSync(resolve(file)).size, 0);
process.stdout.write(`bundled the CLI into ${outDir} (${(bytes / 1024 / 1024).toFixed(1)} MB of JavaScript, build ${buildId})\n`);
