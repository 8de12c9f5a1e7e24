// Plain-TypeScript twin of kernel.ts. Every f64 operation is in the kernel's order, and the
// number formatting is the kernel's own (not JSON.stringify's), so both give the same bytes.
import { parseUintObject } from '../primes/reference.js';

export interface Lorenz96Input {
  /** Variables on the ring, 4..1024 (Lorenz used 40). */
  n: number;
  /** Forcing F in thousandths (8000 is the chaotic F = 8). */
  forcingMilli: number;
  /** Time step in millionths (10000 is dt = 0.01, 1.2 hours of weather). */
  dtMicro: number;
  steps: number;
  /** Steps between summaries; steps / every <= 4096. */
  every: number;
  /** 0 is the control run; m > 0 is perturbed by splitmix64(m, i). */
  member: number;
  /** Perturbation amplitude in billionths. */
  perturbNano: number;
  /** Steps between checkpoints (the kernel's default is about a second of work). */
  checkpointEvery?: number;
}

export interface Lorenz96Output {
  n: number;
  member: number;
  steps: number;
  every: number;
  /** One value per summary, at steps 0, every, 2·every, …: the state's mean, its energy ½Σx², and its distance from the control. */
  mean: number[];
  energy: number[];
  distance: number[];
}

export const LORENZ96_USAGE =
  'lorenz96: input must be {"n":N,"forcingMilli":F,"dtMicro":D,"steps":S,"every":E,"member":M,"perturbNano":P} ' +
  '(optionally "checkpointEvery":C) with 4 <= N <= 1024, F <= 100000, 1 <= D <= 100000, 1 <= E <= S <= 10000000, ' +
  'S/E <= 4096, M <= 4294967295, P <= 1000000000, C >= 1';
const KEYS = ['n', 'forcingMilli', 'dtMicro', 'steps', 'every', 'member', 'perturbNano'] as const;
const MASK = (1n << 64n) - 1n;

function checkInput(input: Lorenz96Input): void {
  const { n, forcingMilli, dtMicro, steps, every, member, perturbNano, checkpointEvery } = input;
  const ints = KEYS.every((k) => Number.isSafeInteger(input[k]) && input[k] >= 0);
  const ok =
    ints &&
    n >= 4 &&
    n <= 1024 &&
    forcingMilli <= 100000 &&
    dtMicro >= 1 &&
    dtMicro <= 100000 &&
    every >= 1 &&
    every <= steps &&
    steps <= 10000000 &&
    Math.floor(steps / every) <= 4096 &&
    member <= 0xffffffff &&
    perturbNano <= 1000000000 &&
    (checkpointEvery === undefined || (Number.isSafeInteger(checkpointEvery) && checkpointEvery >= 1));
  if (!ok) throw new Error(LORENZ96_USAGE);
}

/** splitmix64 of (member, i) as a double in [-1, 1), as the kernel computes it. */
export function unitNoise(member: number, i: number): number {
  let z = ((BigInt(member) << 32n) + BigInt(i) + 0x9e3779b97f4a7c15n) & MASK;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  z = z ^ (z >> 31n);
  return Number(z >> 11n) * 2.220446049250313e-16 - 1;
}

function tendency(y: Float64Array, k: Float64Array, n: number, forcing: number): void {
  for (let i = 0; i < n; i++) {
    const ip1 = i + 1 === n ? 0 : i + 1;
    const im1 = i === 0 ? n - 1 : i - 1;
    const im2 = i < 2 ? n - 2 + i : i - 2;
    k[i] = (y[ip1]! - y[im2]!) * y[im1]! - y[i]! + forcing;
  }
}

interface Work {
  k1: Float64Array;
  k2: Float64Array;
  k3: Float64Array;
  k4: Float64Array;
  y: Float64Array;
}

function rk4(x: Float64Array, n: number, forcing: number, dt: number, w: Work): void {
  const half = dt * 0.5;
  const sixth = dt / 6;
  const { k1, k2, k3, k4, y } = w;
  tendency(x, k1, n, forcing);
  for (let i = 0; i < n; i++) y[i] = x[i]! + half * k1[i]!;
  tendency(y, k2, n, forcing);
  for (let i = 0; i < n; i++) y[i] = x[i]! + half * k2[i]!;
  tendency(y, k3, n, forcing);
  for (let i = 0; i < n; i++) y[i] = x[i]! + dt * k3[i]!;
  tendency(y, k4, n, forcing);
  for (let i = 0; i < n; i++) {
    const sum = k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!;
    x[i] = x[i]! + sixth * sum;
  }
}

/** [mean, energy, distance] of the member `x` against the control `c`. */
function summary(x: Float64Array, c: Float64Array, n: number, twin: boolean): [number, number, number] {
  let sum = 0;
  let squares = 0;
  let dist = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    sum += xi;
    squares += xi * xi;
    if (twin) {
      const d = xi - c[i]!;
      dist += d * d;
    }
  }
  return [sum / n, squares * 0.5, Math.sqrt(dist)];
}

export function lorenz96Reference(input: Lorenz96Input): Lorenz96Output {
  checkInput(input);
  const { n, steps, every, member } = input;
  const forcing = input.forcingMilli / 1000;
  const dt = input.dtMicro / 1000000;
  const eps = input.perturbNano / 1000000000;
  const twin = member !== 0;
  const x = new Float64Array(n);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ci = i === 0 ? forcing + 0.01 : forcing;
    c[i] = ci;
    x[i] = ci + eps * unitNoise(member, i);
  }
  const work: Work = {
    k1: new Float64Array(n),
    k2: new Float64Array(n),
    k3: new Float64Array(n),
    k4: new Float64Array(n),
    y: new Float64Array(n),
  };
  const out: Lorenz96Output = { n, member, steps, every, mean: [], energy: [], distance: [] };
  const record = (step: number) => {
    const [mean, energy, distance] = summary(x, c, n, twin);
    if (!Number.isFinite(energy) || !Number.isFinite(distance)) {
      throw new Error(`lorenz96: the state diverged at step ${step}; use a smaller dtMicro`);
    }
    out.mean.push(mean);
    out.energy.push(energy);
    out.distance.push(distance);
  };
  record(0);
  for (let step = 1; step <= steps; step++) {
    rk4(x, n, forcing, dt, work);
    if (twin) rk4(c, n, forcing, dt, work);
    if (step % every === 0) record(step);
  }
  return out;
}

/** `value` with 12 significant digits, exactly as the kernel's outSci writes it. */
export function formatSci(value: number): string {
  if (value === 0) return '0';
  let m = Math.abs(value);
  let e = 0;
  while (m >= 10) {
    m = m / 10;
    e++;
  }
  while (m < 1) {
    m = m * 10;
    e--;
  }
  let digits = Math.floor(m * 1e11 + 0.5);
  if (digits >= 1e12) {
    digits = 1e11;
    e++;
  }
  const text = String(digits);
  const frac = text.slice(1).replace(/0+$/, '');
  return `${value < 0 ? '-' : ''}${text[0]}${frac ? `.${frac}` : ''}${e !== 0 ? `e${e}` : ''}`;
}

/** The kernel's output text for a result (numbers in formatSci, keys in the kernel's order). */
export function formatLorenz96Output(out: Lorenz96Output): string {
  const list = (values: number[]) => `[${values.map(formatSci).join(',')}]`;
  return (
    `{"n":${out.n},"member":${out.member},"steps":${out.steps},"every":${out.every},` +
    `"mean":${list(out.mean)},"energy":${list(out.energy)},"distance":${list(out.distance)}}`
  );
}

/** The exact bytes the kernel outputs for this input text; throws where the kernel aborts. */
export function lorenz96ReferenceBytes(inputJsonText: string): Uint8Array {
  let values = parseUintObject(inputJsonText, [...KEYS, 'checkpointEvery']);
  let checkpointEvery: number | undefined;
  if (values) checkpointEvery = values[7];
  else values = parseUintObject(inputJsonText, KEYS);
  if (!values) throw new Error(LORENZ96_USAGE);
  const [n = 0, forcingMilli = 0, dtMicro = 0, steps = 0, every = 0, member = 0, perturbNano = 0] = values;
  const input: Lorenz96Input = { n, forcingMilli, dtMicro, steps, every, member, perturbNano };
  if (checkpointEvery !== undefined) input.checkpointEvery = checkpointEvery;
  return new TextEncoder().encode(formatLorenz96Output(lorenz96Reference(input)));
}
