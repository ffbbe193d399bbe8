/** The output flags the commands share, defined once so their names and help texts cannot drift apart. */
import type { Command } from 'commander';

export interface OutputFlagOptions {
  /** Offer --trace <file> (single runs only: the others run many worlds). */
  trace?: boolean;
  /** Offer --force (commands that write files). Default true. */
  force?: boolean;
}

export function addOutputOptions(command: Command, options: OutputFlagOptions = {}): Command {
  command.option('--json', 'print one JSON object instead of the human report');
  if (options.trace === true) command.option('--trace <file>', 'write the full trace as NDJSON (one record per line)');
  if (options.force !== false) command.option('--force', 'replace output files that already exist');
  return command.option('--no-color', 'plain output (NO_COLOR is honoured too)');
}
