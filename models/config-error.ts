/** A bad value in a config: names the option, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`invalid ${option}: ${JSON.stringify(value)} (allowed: ${allowed})`);
    this.name = 'ConfigError';
  }
}
