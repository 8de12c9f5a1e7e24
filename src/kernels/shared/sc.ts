// sc1 ABI plumbing shared by the kernels. Decorators are avoided on purpose: Prettier cannot
// parse them on functions, so imports are named by file instead (declarations in `sc.ts`
// become imports from module "sc").

/** Tells the host how far the run is, 0..1. Cheap, but each call crosses into JS: throttle it. */
export declare function progress(fraction: f64): void;

/** Hands the host `len` bytes of state to keep; after a restart they come back through `resume`. */
export declare function checkpoint(ptr: usize, len: usize): void;

let outPtr: usize = 0;
let outLen: usize = 0;
let outCap: usize = 0;

/** The host writes the input here. Kernels use AssemblyScript's smallest runtime, a bump allocator that never frees (see scripts/build-kernels.mjs): a kernel instance serves one run. */
export function alloc(len: i32): usize {
  return heap.alloc(<usize>max(len, 0));
}

export function output_ptr(): usize {
  return outPtr;
}

export function output_len(): usize {
  return outLen;
}

/** Makes the output an existing buffer (no copy). */
export function setOutput(ptr: usize, len: usize): void {
  outPtr = ptr;
  outLen = len;
  outCap = len;
}

/** Ensures `extra` more output bytes fit; callers that reserve up front avoid any copying. */
export function outReserve(extra: usize): void {
  const need = outLen + extra;
  if (need <= outCap) return;
  let cap = max<usize>(outCap << 1, 256);
  while (cap < need) cap <<= 1;
  outPtr = outPtr == 0 ? heap.alloc(cap) : heap.realloc(outPtr, cap);
  outCap = cap;
}

export function outByte(b: u32): void {
  outReserve(1);
  store<u8>(outPtr + outLen, <u8>b);
  outLen += 1;
}

/** Appends an ASCII string (the JSON keys and punctuation the kernels write). */
export function outAscii(s: string): void {
  const n = <usize>s.length;
  outReserve(n);
  for (let i: usize = 0; i < n; i++) store<u8>(outPtr + outLen + i, <u8>s.charCodeAt(<i32>i));
  outLen += n;
}

/** Appends a non-negative integer in decimal, as JSON.stringify would print it. */
export function outUint(value: u64): void {
  outReserve(20);
  let digits: usize = 1;
  for (let v = value; v >= 10; v /= 10) digits++;
  let v = value;
  for (let i = digits; i > 0; i--) {
    store<u8>(outPtr + outLen + i - 1, <u8>(48 + (v % 10)));
    v /= 10;
  }
  outLen += digits;
}
