import { quoteInput } from './quote.js';
/** A bad value in a config: names the option, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`invalid ${option}: ${quoteInput(value)} (allowed: ${allowed})`);
    this.name = 'ConfigError';
  }
}
