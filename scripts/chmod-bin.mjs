// esbuild does not set the executable bit; npx and the `bin` link need it.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/bin/simulate.cjs', import.meta.url), 0o755);
