/**
 * `npm run build` (after tsc): writes the bundled CLI to dist/bundle/ — `syncscope.js` (the
 * launcher package.json "bin" and the Docker image run), `syncscope.cjs` and its chunks.
 */
import { rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleCli } from './bundle-cli.js';

const root = resolve(import.meta.dirname, '../..');
const outDir = join(root, 'dist/bundle');
rmSync(outDir, { recursive: true, force: true });
const { metafile, buildId } = await bundleCli(outDir);
const bytes = Object.keys(metafile.outputs).filter((file) => file.endsWith('.cjs')).reduce((sum, file) => sum + statSync(resolve(root, file)).size, 0); // esbuild's paths are relative to the root
process.stdout.write(`bundled the CLI into ${outDir} (${(bytes / 1024 / 1024).toFixed(1)} MB of JavaScript, build ${buildId})\n`);
