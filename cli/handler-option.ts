/**
 * `--handler <module>`: a team's own handler (an ES module exporting `handler` and `effects`; see
 * models/handler/contract.ts), loaded from a path relative to the working directory. A module that does not
 * load, or exports no handler, is one line and exit 2.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HandlerError, checkHandlerModule } from '../models/handler/contract.js';
import type { HandlerModule } from '../models/handler/contract.js';
import { quoteInput } from '../models/quote.js';
import { UsageError } from './usage-error.js';

export async function loadHandlerOption(raw: string): Promise<HandlerModule> {
  const label = `--handler ${quoteInput(raw)}`;
  const path = resolve(raw);
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) throw new UsageError(`cannot load ${label}: no such file`);
  if (!stats.isFile()) throw new UsageError(`cannot load ${label}: not a file`);
  let module: unknown;
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : 'it threw while loading';
    throw new UsageError(`cannot load ${label}: ${text.split('\n')[0]}`);
  }
  try {
    return checkHandlerModule(module, raw);
  } catch (error) {
    if (error instanceof HandlerError) throw new UsageError(error.message);
    throw error;
  }
}
