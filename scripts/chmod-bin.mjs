// tsc does not keep the executable bit; npx and the `bin` link need it.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
