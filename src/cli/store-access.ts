import type { PipelineConfig } from '../config/pipeline-schema.js';
import type { RunStore } from '../ports/run-store.js';
import { openRunStore } from '../store/open-run-store.js';

export const DEFAULT_STORE_PATH = './data/syncscope.db';

/** Opens the run store a pipeline config names. */
export function openStoreFor(store: PipelineConfig['store']): Promise<RunStore> {
  return store.type === 'sqlite'
    ? openRunStore({ kind: 'sqlite', path: store.path })
    : openRunStore({ kind: 'postgres', url: store.url, schema: store.schema });
}

/** For read-only commands (`runs`, `show`): `--store` is a SQLite path or a postgres:// URL. */
export function openStoreAt(location: string | undefined): Promise<RunStore> {
  const target = location ?? DEFAULT_STORE_PATH;
  return /^postgres(ql)?:\/\//.test(target)
    ? openRunStore({ kind: 'postgres', url: target })
    : openRunStore({ kind: 'sqlite', path: target });
}
