/**
 * import() of a module that is not in the bundle: a user's `--handler`, or an ESM-only package (tinypool). The shipped
 * bin runs the bundle inside a vm.Script (cli/launcher.ts), where V8 has no import() of its own once the code comes
 * from the code cache; the launcher hands in its import() instead (esbuild's define names it SIMULATE_IMPORT).
 */
declare const SIMULATE_BUNDLE: boolean | undefined;
declare const SIMULATE_IMPORT: (specifier: string) => Promise<unknown>;

export function importModule(specifier: string): Promise<unknown> {
  if (typeof SIMULATE_BUNDLE !== 'undefined' && SIMULATE_BUNDLE) return SIMULATE_IMPORT(specifier);
  return import(specifier);
}
