/**
 * Own enumerable properties computed on first read (a run's trace, a witness's records), defined with accessor
 * functions shared by every object, so that reading, spreading or serializing the object gives the values, as an
 * object literal's `get records() {…}` did.
 *
 * Why not that literal: it makes new accessor functions for every object, and V8 keeps them in an accessor pair
 * it allocates in the old generation (the object itself goes to dictionary mode). The young generation's GC takes
 * old-to-young pointers as roots, so through those functions' closures a finished run's whole trace and result
 * stayed alive until a full GC: a quarter of a short run's allocations were promoted, the GC took a fifth of a
 * 40-message run's time, and 300 runs left 17 MB in the old generation (test/models/lazy-fields.test.ts). Here one
 * accessor pair per field name serves every object, and the computations hang off the (young) object itself.
 */

/** Where an object keeps its lazy fields' computations (a non-enumerable property: not read, spread or serialized). */
const LAZY = Symbol('lazy fields');

/** Per lazy field: what computes it (and caches it: it is called at every read). */
export type LazyComputations = Record<string, () => unknown>;

type Holder = Record<string | symbol, unknown> & { [LAZY]: LazyComputations };

/** One accessor pair per field name, shared by every object with that lazy field (and they keep fast properties). */
const accessors = new Map<string, PropertyDescriptor>();

function accessorOf(key: string): PropertyDescriptor {
  let accessor = accessors.get(key);
  if (accessor === undefined) {
    accessor = {
      get(this: Holder): unknown {
        return this[LAZY][key]();
      },
      // Assigning a value replaces the computation (a witness's records may be set).
      set(this: Holder, value: unknown): void {
        this[LAZY][key] = () => value;
      },
      enumerable: true,
      configurable: true,
    };
    accessors.set(key, accessor);
  }
  return accessor;
}

/**
 * `fields` as a new object, in their order, where every key that `lazy` names is an accessor computed by it (its
 * value in `fields` only holds its place).
 */
export function withLazyFields<T extends object>(fields: T, lazy: LazyComputations): T {
  const target = {} as Holder;
  Object.defineProperty(target, LAZY, { value: lazy });
  for (const key of Object.keys(fields)) {
    if (Object.hasOwn(lazy, key)) Object.defineProperty(target, key, accessorOf(key));
    else target[key] = (fields as Record<string, unknown>)[key];
  }
  return target as unknown as T;
}
