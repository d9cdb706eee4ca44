/**
 * The file users run for each bundle entry (`dist/bundle/syncscope.js`): it turns the compile
 * cache on and requires the entry's CommonJS bundle beside it (`syncscope.cjs`). bundle-cli.ts
 * builds one per entry, as CommonJS (hence `__filename`), and sets the build's identity.
 */
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { installCompileCache } from './compile-cache.js';

declare const SYNCSCOPE_BUILD_ID: string;

const launcher = __filename;
installCompileCache({ bundleDir: dirname(launcher), buildId: SYNCSCOPE_BUILD_ID });
createRequire(launcher)(`./${basename(launcher, '.js')}.cjs`);
