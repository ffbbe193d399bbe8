/**
 * `simulate merge shard-1.json ... shard-n.json`: join the `sweep --shard k/n --json` outputs of one sweep (run on
 * several machines or CI jobs) and print the unsharded sweep's JSON. Exit 1 when a promised invariant broke in
 * some seed, 0 otherwise, 2 on a file that cannot be merged.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { mergeShards } from '../scale/merge-shards.js';
import type { ShardInput } from '../scale/merge-shards.js';
import { EXIT_OK, EXIT_VIOLATED, UsageError } from '../usage-error.js';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('join the sweep --shard k/n --json outputs of one sweep into the whole sweep\'s JSON')
    .argument('<files...>', 'the shards\' sweep --json files (any order; - reads one from stdin)')
    .action((files: string[]) => {
      process.exitCode = mergeCommand(files);
    });
}

export function mergeCommand(files: readonly string[]): number {
  const merged = mergeShards(files.map(readInput));
  process.stdout.write(JSON.stringify(merged, null, 2) + '\n');
  return merged.verdict === 'violated' ? EXIT_VIOLATED : EXIT_OK;
}

function readInput(file: string): ShardInput {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read shard ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return { name: file, json: JSON.parse(text) as unknown };
  } catch {
    throw new UsageError(`invalid shard ${file}: not JSON (expected the output of simulate sweep --json)`);
  }
}
