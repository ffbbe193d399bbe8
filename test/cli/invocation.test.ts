/** The program prefix of printed replay commands follows the install, read off the script's path. */
import { describe, expect, it } from 'vitest';
import { invocationFor } from '../../cli/invocation.js';
import { replayCommand } from '../../cli/shell-quote.js';
import { INVOCATION } from '../../cli/invocation.js';

describe('invocationFor', () => {
  it.each([
    ['/usr/local/lib/node_modules/delivery-sim/dist/cli/invocation.js', 'simulate'],
    ['/home/ada/.nvm/versions/node/v20.19.0/lib/node_modules/delivery-sim/dist/cli/invocation.js', 'simulate'],
    ['/opt/homebrew/lib/node_modules/delivery-sim/dist/cli/invocation.js', 'simulate'],
    ['C:\\Users\\ada\\AppData\\Roaming\\npm\\node_modules\\delivery-sim\\dist\\cli\\invocation.js', 'simulate'],
    ['/home/ada/.config/yarn/global/node_modules/delivery-sim/dist/cli/invocation.js', 'simulate'],
    ['/home/ada/.local/share/pnpm/global/5/node_modules/delivery-sim/dist/cli/invocation.js', 'simulate'],
    ['/home/ada/shop/node_modules/delivery-sim/dist/cli/invocation.js', 'npx simulate'],
    ['/home/ada/shop/node_modules/.pnpm/delivery-sim@0.1.0/node_modules/delivery-sim/dist/cli/invocation.js', 'npx simulate'],
    ['/home/ada/src/delivery-sim/dist/cli/invocation.js', 'npx simulate'],
    ['/home/ada/src/delivery-sim/cli/invocation.ts', 'npx simulate'],
    ['/home/ada/.npm/_npx/1a2b3c/node_modules/delivery-sim/dist/cli/invocation.js', 'npx delivery-sim'],
  ] as const)('%s -> %s', (path, expected) => {
    expect(invocationFor(path)).toBe(expected);
  });

  it('is what every replay command starts with', () => {
    expect(replayCommand(['--mode', 'at-least-once', '--seed', '42'])).toBe(`${INVOCATION} --mode at-least-once --seed 42`);
    expect(replayCommand(['--plan', '{"a": 1}'])).toBe(`${INVOCATION} --plan '{"a": 1}'`);
  });
});
