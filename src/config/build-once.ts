/**
 * A value built on its first use, once. For zod schemas a run may never parse: building one costs
 * about as much as compiling its module (an orders config's schema is ~50 zod constructors), and a
 * GitHub run that built the orders schema at import paid that before its first request.
 */
export function buildOnce<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
