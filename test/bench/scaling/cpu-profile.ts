// Where a process's CPU went, from a V8 `.cpuprofile` (node --cpu-prof): self time per function,
// grouped by function name and file, largest first, as shares of all samples.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

export interface Hotspot {
  function: string;
  share: string;
}

/** The top `limit` self-time entries of every profile written into `dir`, merged. */
export function hotspots(dir: string, limit = 12): Hotspot[] {
  const self = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    const names = new Map(profile.nodes.map((n) => [n.id, label(n)]));
    for (const sample of profile.samples) {
      const name = names.get(sample) ?? '?';
      self.set(name, (self.get(name) ?? 0) + 1);
      total++;
    }
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, count]) => ({ function: name, share: `${((100 * count) / Math.max(total, 1)).toFixed(1)}%` }));
}

function label({ callFrame }: ProfileNode): string {
  const name = callFrame.functionName || '(anonymous)';
  if (!callFrame.url) return name; // (garbage collector), (program), (idle), native code
  const file = basename(callFrame.url.replace(/^file:\/\//, ''));
  return `${name} ${file}:${callFrame.lineNumber + 1}`;
}
