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

/**
 * For read-only commands (`runs`, `show`, ...): `--store` is a SQLite path or a postgres:// URL,
 * whose `?schema=` (default `syncscope`, as in pipeline configs) names the run store's schema.
 */
export function openStoreAt(location: string | undefined, access: { readonly?: boolean } = {}): Promise<RunStore> {
  const target = location ?? DEFAULT_STORE_PATH;
  if (!/^postgres(ql)?:\/\//.test(target)) return openRunStore({ kind: 'sqlite', path: target, readonly: access.readonly });
  const url = new URL(target);
  const schema = url.searchParams.get('schema') ?? 'syncscope';
  url.searchParams.delete('schema');
  return openRunStore({ kind: 'postgres', url: url.toString(), schema });
}
