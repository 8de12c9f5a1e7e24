// Progress bars on stderr, shown only on a terminal so pipes and --json stay clean.
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(value: number, total?: number): void;
  stop(): void;
}

export function progressBar(label: string, total: number, unit = 'units'): Progress {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update(value, newTotal) {
      if (newTotal !== undefined) bar.setTotal(newTotal);
      bar.update(value);
    },
    stop: () => bar.stop(),
  };
}
