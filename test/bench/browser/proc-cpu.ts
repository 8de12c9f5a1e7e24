// CPU time of a process tree from /proc (Linux): utime + stime of every descendant of a pid.
// Playwright starts Chromium as a child of this Node process, so the descendants of
// process.pid are the browser process and its renderer, GPU and utility processes. The Node
// process itself (vitest, the in-process server) is left out.
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

interface ProcStat {
  pid: number;
  ppid: number;
  ticks: number;
  name: string;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is state (field 3), so field n is fields[n - 3].
    return {
      pid,
      name: text.slice(open + 1, close),
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return undefined; // gone between readdir and read
  }
}

/** CPU ticks of each live descendant of `root` (not `root` itself), by pid. */
export function treeTicks(root = process.pid): Map<number, ProcStat> {
  const all: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const found = new Map<number, ProcStat>();
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.set(child.pid, child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** Seconds of CPU the tree used between two snapshots (processes born in between count from 0). */
export function cpuSecondsBetween(before: Map<number, ProcStat>, after: Map<number, ProcStat>): number {
  let ticks = 0;
  for (const [pid, stat] of after) ticks += stat.ticks - (before.get(pid)?.ticks ?? 0);
  return ticks / CLK_TCK;
}

/** Measures the tree's CPU over `ms` of wall time: percent of one core, and processes seen. */
export async function measureCpu(
  ms: number,
  root = process.pid,
): Promise<{ percent: number; processes: number; wallMs: number; threads: [string, number][] }> {
  const threadsBefore = threadTicks(root);
  const before = treeTicks(root);
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = treeTicks(root);
  const wallMs = performance.now() - start;
  const threads = threadPercents(threadsBefore, threadTicks(root), wallMs);
  return {
    percent: (100 * cpuSecondsBetween(before, after)) / (wallMs / 1000),
    processes: after.size,
    wallMs,
    threads,
  };
}

export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

/** CPU ticks per thread of every descendant of `root`, keyed "pid/tid", with a label
 * "<process type>:<thread name>" (process type from --type=, 'browser' when none). */
export function threadTicks(root = process.pid): Map<string, { label: string; ticks: number }> {
  const result = new Map<string, { label: string; ticks: number }>();
  for (const pid of treeTicks(root).keys()) {
    let type = 'browser';
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      type = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
      if (type === 'renderer' && cmdline.includes('--top-chrome-webui')) type = 'renderer(webui)';
      if (type === 'utility')
        type = `utility(${/--utility-sub-type=([\w.]+)/.exec(cmdline)?.[1]?.split('.').at(-2) ?? '?'})`;
    } catch {
      continue;
    }
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
        result.set(`${pid}/${tid}`, { label: `${type}:${name}`, ticks: Number(fields[11]) + Number(fields[12]) });
      } catch {
        // thread ended
      }
    }
  }
  return result;
}

/** Percent of one core per label between two thread snapshots, largest first. */
export function threadPercents(
  before: Map<string, { label: string; ticks: number }>,
  after: Map<string, { label: string; ticks: number }>,
  wallMs: number,
): [string, number][] {
  const byLabel = new Map<string, number>();
  for (const [key, { label, ticks }] of after) {
    const delta = ticks - (before.get(key)?.ticks ?? 0);
    byLabel.set(label, (byLabel.get(label) ?? 0) + delta);
  }
  return [...byLabel]
    .map(([label, ticks]): [string, number] => [label, (100 * ticks) / CLK_TCK / (wallMs / 1000)])
    .filter(([, percent]) => percent >= 0.5)
    .sort((a, b) => b[1] - a[1]);
}
