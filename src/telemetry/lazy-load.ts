import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A class that is loaded (required) the first time one is constructed: for exporters and log
 * shipping, which a process without a telemetry backend never uses and which cost a noticeable
 * share of start-up to load. `new Lazy(...)` builds the real class's instance, so callers keep
 * their `new` and their types; only `instanceof` against the stand-in would not hold.
 * The packages are CommonJS, so this is the same module instance an `import` would give.
 */
export function lazyClass<C extends abstract new (...args: never[]) => unknown>(load: () => C): C {
  let loaded: C | undefined;
  const target = function lazyClassStandIn() {} as unknown as C;
  return new Proxy(target, {
    construct: (_target, args) => Reflect.construct((loaded ??= load()) as unknown as new (...a: unknown[]) => object, args),
  });
}

/** `require` of a package's export, for `lazyClass`. */
export function requireExport<T>(specifier: string, name: string): T {
  return (require(specifier) as Record<string, T>)[name]!;
}
