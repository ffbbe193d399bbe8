// The real broker's lifecycle for `npm run conformance`: install Debian's rabbitmq-server when it is missing,
// start it detached, wait (bounded) until it is up, and stop it at the end, epmd included, so nothing is left
// running. A broker that was already running before we started is used as is and left running.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SERVER = '/usr/sbin/rabbitmq-server';

/** Run a command with a time limit; returns { ok, out } and never throws. */
export function run(cmd, args, { timeoutMs = 60_000, env } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, env: env ? { ...process.env, ...env } : process.env });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.error) return { ok: false, out: `${cmd} ${args.join(' ')}: ${r.error.message}` };
  return { ok: r.status === 0, out };
}

function lastLine(text) {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

/** Install rabbitmq-server with apt-get when absent. Returns seconds spent (0 when already installed). */
export function ensureInstalled({ log }) {
  if (existsSync(SERVER)) return 0;
  if (process.getuid?.() !== 0) throw new Error('rabbitmq-server is not installed and installing it needs root (apt-get install rabbitmq-server)');
  log('installing Debian rabbitmq-server with apt-get (one time)...');
  const started = performance.now();
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const update = run('apt-get', ['update', '-qq'], { timeoutMs: 300_000, env });
  if (!update.ok) throw new Error(`apt-get update failed: ${lastLine(update.out)}`);
  const install = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'rabbitmq-server'], { timeoutMs: 600_000, env });
  if (!install.ok) throw new Error(`apt-get install rabbitmq-server failed: ${lastLine(install.out)}`);
  return (performance.now() - started) / 1000;
}

export function isRunning() {
  return run('rabbitmqctl', ['-q', 'status'], { timeoutMs: 30_000 }).ok;
}

export function serverVersion() {
  const r = run('rabbitmqctl', ['-q', 'version'], { timeoutMs: 30_000 });
  return r.ok ? r.out.trim() : 'unknown';
}

/** Start the broker detached and wait until it accepts work. Returns seconds spent. */
export function start({ log, timeoutMs = 90_000 }) {
  log('starting rabbitmq-server -detached ...');
  const started = performance.now();
  const r = run(SERVER, ['-detached'], { timeoutMs: 30_000 });
  if (!r.ok) throw new Error(`rabbitmq-server -detached failed: ${lastLine(r.out)}`);
  awaitStartup(started + timeoutMs);
  return (performance.now() - started) / 1000;
}

/** await_startup fails at once while the node is not registered with epmd yet: retry it until the deadline. */
function awaitStartup(deadline) {
  let last = '';
  while (performance.now() < deadline) {
    const leftS = Math.max(1, Math.ceil((deadline - performance.now()) / 1000));
    const wait = run('rabbitmqctl', ['-q', 'await_startup', '--timeout', String(leftS)], { timeoutMs: leftS * 1000 + 10_000 });
    if (wait.ok) return;
    last = lastLine(wait.out);
    spawnSync('sleep', ['1']);
  }
  throw new Error(`rabbitmq did not start in time: ${last}`);
}

/** Restart the node's application, keeping the Erlang VM: what a node restart does to queues and messages. */
export function restartApp() {
  const stop = run('rabbitmqctl', ['stop_app'], { timeoutMs: 60_000 });
  if (!stop.ok) throw new Error(`rabbitmqctl stop_app failed: ${lastLine(stop.out)}`);
  const startApp = run('rabbitmqctl', ['start_app'], { timeoutMs: 90_000 });
  if (!startApp.ok) throw new Error(`rabbitmqctl start_app failed: ${lastLine(startApp.out)}`);
  awaitStartup(performance.now() + 60_000);
}

/** Stop the node (shutdown waits until its OS process has exited) and the Erlang port mapper it started. */
export function stop({ log }) {
  log('stopping rabbitmq-server ...');
  const r = run('rabbitmqctl', ['shutdown'], { timeoutMs: 90_000 });
  if (!r.ok && isRunning()) throw new Error(`rabbitmqctl shutdown failed: ${lastLine(r.out)}`);
  run('epmd', ['-kill'], { timeoutMs: 10_000 });
  // The VM's helpers (epmd, inet_gethost) exit a moment after; wait for them so the run ends with nothing left.
  const deadline = performance.now() + 15_000;
  while (run('pgrep', ['-u', 'rabbitmq'], { timeoutMs: 5000 }).ok) {
    if (performance.now() > deadline) {
      log('warning: processes of user rabbitmq are still running 15 s after the shutdown');
      return;
    }
    spawnSync('sleep', ['0.2']);
  }
}
