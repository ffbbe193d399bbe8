/**
 * import() of a module that is not in the bundle: a user's `--handler`, or an ESM-only package (tinypool). The shipped
 * bin runs the bundle inside a vm.Script (cli/launcher.ts), where V8 has no import() of its own once the code comes
 * from the code cache; the launcher hands in its import() instead (esbuild's define names it SIMULATE_IMPORT).
 */
declare const SIMULATE_IMPORT: (specifier: string) => Promise<unknown>;
/** Replaced by `true` in the bin's bundle only; its worker bundles are plain ES modules, where import() works. */
declare const SIMULATE_LAUNCHER_IMPORT: boolean | undefined;

export function importModule(specifier: string): Promise<unknown> {
  if (typeof SIMULATE_LAUNCHER_IMPORT !== 'undefined' && SIMULATE_LAUNCHER_IMPORT) return SIMULATE_IMPORT(specifier);
  return import(specifier);
}
