/**
 * Builds the CLI once per test run (skipped when dist/ is already built from the current sources).
 * A failed build does not abort the run: unit tests do not need dist/, and the CLI tests report the
 * compiler's output themselves (see test/helpers/cli.ts).
 */
import type { TestProject } from 'vitest/node';
import { ensureBuilt } from './helpers/build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The build's error output, or '' when dist/ is up to date. */
    cliBuildError: string;
  }
}

export default function setup(project: TestProject): void {
  project.provide('cliBuildError', ensureBuilt() ?? '');
}
