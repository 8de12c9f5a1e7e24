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

/** A bar that also shows the rate since it started, for long uploads. */
export function rateBar(label: string, total: number, unit = 'units'): Progress {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  const started = Date.now();
  let first: number | undefined;
  bar.start(total, 0, { rate: '0' });
  return {
    update(value, newTotal) {
      if (newTotal !== undefined) bar.setTotal(newTotal);
      first ??= value;
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round((value - first) / seconds) : 0;
      bar.update(value, { rate: rate.toLocaleString('en') });
    },
    stop: () => bar.stop(),
  };
}
