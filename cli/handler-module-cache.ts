/**
 * A team's handler module as a worker thread loads it: once per path and thread, checked against the handler
 * contract. A module that does not load is the user's input, one line like any other (a HandlerError).
 */
import { pathToFileURL } from 'node:url';
import { HandlerError, checkHandlerModule } from '../models/handler/contract.js';
import type { HandlerModule } from '../models/handler/contract.js';
import { importModule } from './import-module.js';

const modules = new Map<string, Promise<HandlerModule>>();

/** `path`: absolute; `label`: the path as the user wrote it, for messages. */
export function handlerModuleAt(path: string, label: string): Promise<HandlerModule> {
  let module = modules.get(path);
  if (module === undefined) {
    const loading = importModule(pathToFileURL(path).href).catch((error: unknown) => {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : 'it threw while loading';
      throw new HandlerError(`cannot load it: ${text.split('\n')[0]}`);
    });
    modules.set(path, (module = loading.then((loaded: unknown) => checkHandlerModule(loaded, label))));
  }
  return module;
}
