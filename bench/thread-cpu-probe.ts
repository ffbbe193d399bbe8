/**
 * Loaded with `node --import` into a CLI run by bench/worker-pool.ts (Linux only: it reads /proc): where the process's
 * CPU time went, by thread. Threads that exist when it loads are this thread and V8's helpers (GC, JIT compilation);
 * a thread that appears later and does work is one of the pool's workers. A worker's CPU is its last reading before
 * it ended (every 50 ms), the helpers' the rest of the process's total. Written as JSON to $THREAD_CPU_PROBE_OUT at exit.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

export interface ThreadCpuReport {
  /** User + system CPU seconds of the whole process, every thread that ever ran in it included. */
  totalS: number;
  /** Of which this (the main) thread. */
  mainS: number;
  /** Of which each worker thread, in the order they appeared. */
  workersS: number[];
}

function taskSeconds(tid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined; // the thread ended
  }
}

const out = process.env.THREAD_CPU_PROBE_OUT;
if (out !== undefined) {
  const atStart = new Set(readdirSync('/proc/self/task'));
  const later = new Map<string, number>();
  const poll = (): void => {
    for (const tid of readdirSync('/proc/self/task')) {
      if (atStart.has(tid)) continue;
      const seconds = taskSeconds(tid);
      if (seconds !== undefined) later.set(tid, seconds);
    }
  };
  // unref: the probe never keeps the CLI alive.
  setInterval(poll, 50).unref();
  process.on('exit', () => {
    poll();
    const usage = process.cpuUsage();
    const report: ThreadCpuReport = {
      totalS: (usage.user + usage.system) / 1e6,
      mainS: taskSeconds(String(process.pid)) ?? 0,
      // A thread of libuv's pool appears later too, but does next to nothing.
      workersS: [...later.values()].filter((seconds) => seconds >= 0.05),
    };
    writeFileSync(out, JSON.stringify(report));
  });
}
