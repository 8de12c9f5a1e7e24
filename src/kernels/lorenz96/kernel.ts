// One member of a Lorenz-96 ensemble (Lorenz 1996, the standard toy of weather predictability):
// dx_i/dt = (x_{i+1} - x_{i-2}) x_{i-1} - x_i + F on a ring of n variables, integrated with
// classic fourth-order Runge-Kutta. Member 0 is the control; member m > 0 starts from the
// control's state plus a perturbation drawn from splitmix64(m, i), so it depends on the input
// alone, and is integrated alongside the control to report its distance from it.
// Every f64 operation is written in the same order as reference.ts and no Math.* host function
// is used (sqrt and floor are wasm instructions), so the output is the same bytes in every
// engine and equal to the reference's. AssemblyScript, sc1 ABI, checkpoints for long runs.
import { checkpoint, progress, outAscii, outByte, outReserve, outUint } from '../shared/sc';
import { parseUintObject } from '../shared/json';

export { alloc, output_ptr, output_len } from '../shared/sc';

const USAGE =
  'lorenz96: input must be {"n":N,"forcingMilli":F,"dtMicro":D,"steps":S,"every":E,"member":M,"perturbNano":P} ' +
  '(optionally "checkpointEvery":C) with 4 <= N <= 1024, F <= 100000, 1 <= D <= 100000, 1 <= E <= S <= 10000000, ' +
  'S/E <= 4096, M <= 4294967295, P <= 1000000000, C >= 1';
const KEYS = ['n', 'forcingMilli', 'dtMicro', 'steps', 'every', 'member', 'perturbNano'];
const MAGIC: u64 = 0x3639_5a52_4f4c; // "LORZ96"
const HEADER_WORDS: usize = 9; // magic, the 7 parameters, the step reached
const PROGRESS_STEPS: u64 = 64;
/** Variable-steps between checkpoints unless the input says otherwise: about a second of work. */
const DEFAULT_CHECKPOINT_WORK: u64 = 1 << 24;

let resumePtr: usize = 0;
let resumeLen: usize = 0;

/** Keeps the checkpoint; run() uses it only if it is of this very input. */
export function resume(ptr: usize, len: usize): void {
  resumePtr = ptr;
  resumeLen = len;
}

export function run(inPtr: usize, inLen: usize): i32 {
  let v = parseUintObject(inPtr, inLen, KEYS.concat(['checkpointEvery']));
  let checkpointEvery: u64 = 0;
  if (v != null) checkpointEvery = v[7];
  else v = parseUintObject(inPtr, inLen, KEYS);
  if (v == null) return fail(USAGE);
  const n = v[0];
  const steps = v[3];
  const every = v[4];
  const ok =
    n >= 4 &&
    n <= 1024 &&
    v[1] <= 100000 &&
    v[2] >= 1 &&
    v[2] <= 100000 &&
    every >= 1 &&
    every <= steps &&
    steps <= 10000000 &&
    steps / every <= 4096 &&
    v[5] <= 0xffffffff &&
    v[6] <= 1000000000 &&
    (checkpointEvery >= 1 || v.length == 7);
  if (!ok) return fail(USAGE);
  if (checkpointEvery == 0) checkpointEvery = max<u64>(1, DEFAULT_CHECKPOINT_WORK / n);

  const N = <i32>n;
  const forcing = <f64>v[1] / 1000;
  const dt = <f64>v[2] / 1000000;
  const member = v[5];
  const eps = <f64>v[6] / 1000000000;
  const twin = member != 0;
  const samples = <i32>(steps / every) + 1;

  // State words: the member, the control, then the samples (mean, energy, distance each).
  const stateWords = <usize>(HEADER_WORDS + 2 * N + 3 * samples);
  const state = heap.alloc(stateWords << 3);
  const x = state + (HEADER_WORDS << 3);
  const c = x + ((<usize>N) << 3);
  const out = c + ((<usize>N) << 3);
  const work = heap.alloc((<usize>N * 5) << 3); // k1..k4 and the stage point
  store<u64>(state, MAGIC);
  for (let k = 0; k < 7; k++) store<u64>(state + ((<usize>k + 1) << 3), v[k]);

  let step: u64 = 0;
  if (!restore(state, stateWords)) {
    for (let i = 0; i < N; i++) {
      const ci = i == 0 ? forcing + 0.01 : forcing;
      store<f64>(c + ((<usize>i) << 3), ci);
      store<f64>(x + ((<usize>i) << 3), ci + eps * unitNoise(member, <u64>i));
    }
    sample(x, c, N, twin, out);
  } else {
    step = load<u64>(state, 64);
  }

  const progressEvery = max<u64>(1, steps / PROGRESS_STEPS);
  while (step < steps) {
    rk4(x, N, forcing, dt, work);
    if (twin) rk4(c, N, forcing, dt, work);
    step++;
    if (step % every == 0) {
      const at = out + ((<usize>(step / every) * 3) << 3);
      if (!sample(x, c, N, twin, at))
        return fail('lorenz96: the state diverged at step ' + step.toString() + '; use a smaller dtMicro');
    }
    if (step % progressEvery == 0) progress(<f64>step / <f64>steps);
    if (step % checkpointEvery == 0 && step < steps) {
      store<u64>(state, step, 64);
      checkpoint(state, stateWords << 3);
    }
  }

  outReserve(<usize>samples * 3 * 24 + 128);
  outAscii('{"n":');
  outUint(n);
  outAscii(',"member":');
  outUint(member);
  outAscii(',"steps":');
  outUint(steps);
  outAscii(',"every":');
  outUint(every);
  const names = ['mean', 'energy', 'distance'];
  for (let q = 0; q < 3; q++) {
    outAscii(',"');
    outAscii(names[q]);
    outAscii('":[');
    for (let s = 0; s < samples; s++) {
      if (s > 0) outByte(0x2c);
      outSci(load<f64>(out + ((<usize>(s * 3 + q)) << 3)));
    }
    outByte(0x5d);
  }
  outByte(0x7d);
  return 0;
}

function fail(message: string): i32 {
  abort(message);
  return 1;
}

/** Copies a checkpoint of this input into `state`; false when there is none or it is foreign. */
function restore(state: usize, words: usize): bool {
  if (resumeLen != words << 3) return false;
  for (let k: usize = 0; k < 8; k++) if (load<u64>(resumePtr + (k << 3)) != load<u64>(state + (k << 3))) return false;
  const step = load<u64>(resumePtr, 64);
  if (step == 0 || step >= load<u64>(state, 32)) return false;
  memory.copy(state, resumePtr, words << 3);
  return true;
}

/** splitmix64 of (member, i) as a double in [-1, 1): 53 random bits, exactly representable. */
function unitNoise(member: u64, i: u64): f64 {
  let z = (member << 32) + i + 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  z = z ^ (z >> 31);
  return <f64>(z >> 11) * 2.220446049250313e-16 - 1; // 2^-52
}

/** Writes the tendency of `y` into `k`. The ring wraps only at i = 0, 1 and n-1: the loop between reads its neighbours directly (same arithmetic, no index tests). */
function tendency(y: usize, k: usize, n: i32, forcing: f64): void {
  const last = y + ((<usize>(n - 1)) << 3);
  const y0 = load<f64>(y);
  const y1 = load<f64>(y, 8);
  const yl = load<f64>(last);
  const yl1 = load<f64>(last - 8);
  store<f64>(k, (y1 - yl1) * yl - y0 + forcing);
  store<f64>(k, (load<f64>(y, 16) - yl) * y0 - y1 + forcing, 8);
  const end = last;
  let p = y + 16;
  let q = k + 16;
  if (ASC_FEATURE_SIMD) {
    // Two lanes at once: f64x2 rounds each lane exactly as the scalar f64 operations do.
    const f2 = f64x2.splat(forcing);
    while (p + 8 < end) {
      const ahead = f64x2.sub(v128.load(p, 8), v128.load(p - 16));
      const next = f64x2.sub(f64x2.mul(ahead, v128.load(p - 8)), v128.load(p));
      v128.store(q, f64x2.add(next, f2));
      p += 16;
      q += 16;
    }
  }
  while (p < end) {
    store<f64>(q, (load<f64>(p, 8) - load<f64>(p - 16)) * load<f64>(p - 8) - load<f64>(p) + forcing);
    p += 8;
    q += 8;
  }
  store<f64>(k + ((<usize>(n - 1)) << 3), (y0 - load<f64>(last - 16)) * yl1 - yl + forcing);
}

/** One classic RK4 step of `x` in place; `work` holds 5n doubles. */
function rk4(x: usize, n: i32, forcing: f64, dt: f64, work: usize): void {
  const bytes = (<usize>n) << 3;
  const k1 = work;
  const k2 = k1 + bytes;
  const k3 = k2 + bytes;
  const k4 = k3 + bytes;
  const y = k4 + bytes;
  const half = dt * 0.5;
  const sixth = dt / 6;
  tendency(x, k1, n, forcing);
  stage(y, x, k1, half, bytes);
  tendency(y, k2, n, forcing);
  stage(y, x, k2, half, bytes);
  tendency(y, k3, n, forcing);
  stage(y, x, k3, dt, bytes);
  tendency(y, k4, n, forcing);
  let start: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const two = f64x2.splat(2);
    const sixth2 = f64x2.splat(sixth);
    for (; start + 16 <= bytes; start += 16) {
      const a = f64x2.add(v128.load(k1 + start), f64x2.mul(two, v128.load(k2 + start)));
      const sum = f64x2.add(f64x2.add(a, f64x2.mul(two, v128.load(k3 + start))), v128.load(k4 + start));
      v128.store(x + start, f64x2.add(v128.load(x + start), f64x2.mul(sixth2, sum)));
    }
  }
  for (let i: usize = start; i < bytes; i += 8) {
    const sum = load<f64>(k1 + i) + 2 * load<f64>(k2 + i) + 2 * load<f64>(k3 + i) + load<f64>(k4 + i);
    store<f64>(x + i, load<f64>(x + i) + sixth * sum);
  }
}

/** y = x + h·k, element by element. */
function stage(y: usize, x: usize, k: usize, h: f64, bytes: usize): void {
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const h2 = f64x2.splat(h);
    for (; i + 16 <= bytes; i += 16) v128.store(y + i, f64x2.add(v128.load(x + i), f64x2.mul(h2, v128.load(k + i))));
  }
  for (; i < bytes; i += 8) store<f64>(y + i, load<f64>(x + i) + h * load<f64>(k + i));
}

/** Stores mean, energy (half the sum of squares) and distance from the control; false if not finite. */
function sample(x: usize, c: usize, n: i32, twin: bool, at: usize): bool {
  let sum: f64 = 0;
  let squares: f64 = 0;
  let dist: f64 = 0;
  for (let i = 0; i < n; i++) {
    const xi = load<f64>(x + ((<usize>i) << 3));
    sum += xi;
    squares += xi * xi;
    if (twin) {
      const d = xi - load<f64>(c + ((<usize>i) << 3));
      dist += d * d;
    }
  }
  const energy = squares * 0.5;
  const distance = sqrt<f64>(dist);
  store<f64>(at, sum / <f64>n);
  store<f64>(at, energy, 8);
  store<f64>(at, distance, 16);
  // Inf - Inf is NaN, so one finite test covers all three.
  return energy - energy == 0 && distance - distance == 0;
}

/** Appends x with 12 significant digits, as reference.ts formatSci does (no NaN or Inf here). */
function outSci(value: f64): void {
  if (value == 0) {
    outByte(0x30);
    return;
  }
  if (value < 0) outByte(0x2d);
  let m = abs<f64>(value);
  let e: i32 = 0;
  while (m >= 10) {
    m = m / 10;
    e++;
  }
  while (m < 1) {
    m = m * 10;
    e--;
  }
  let digits = floor<f64>(m * 1e11 + 0.5);
  if (digits >= 1e12) {
    digits = 1e11;
    e++;
  }
  let d = <u64>digits;
  let frac = d % 100000000000;
  outUint(d / 100000000000);
  if (frac != 0) {
    outByte(0x2e);
    let width = 11;
    while (frac % 10 == 0) {
      frac /= 10;
      width--;
    }
    let pad = width;
    for (let f = frac; f >= 10; f /= 10) pad--;
    for (let i = 1; i < pad; i++) outByte(0x30);
    outUint(frac);
  }
  if (e != 0) {
    outByte(0x65);
    if (e < 0) outByte(0x2d);
    outUint(<u64>abs<i32>(e));
  }
}
