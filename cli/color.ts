/** chalk honours FORCE_COLOR and TTY detection but not NO_COLOR; --no-color and NO_COLOR both turn colour off. */
import { Chalk, supportsColor } from 'chalk';
import type { ChalkInstance } from 'chalk';

export function makeColor(colorOption: boolean | undefined): ChalkInstance {
  const disabled = colorOption === false || (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '');
  return new Chalk({ level: disabled || supportsColor === false ? 0 : supportsColor.level });
}
