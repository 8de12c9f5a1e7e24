// Appends a custom section to a module, as scripts/build-kernels.mjs does for a SIMD kernel's
// `sc.fallback`: for tests that build kernels with a fallback of their choosing.
function leb128(n: number): number[] {
  const bytes: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    bytes.push(b);
  } while (n !== 0);
  return bytes;
}

export function withCustomSection(module: Uint8Array, name: string, payload: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const body = [...leb128(nameBytes.length), ...nameBytes];
  const header = [0, ...leb128(body.length + payload.length), ...body];
  const out = new Uint8Array(module.length + header.length + payload.length);
  out.set(module);
  out.set(header, module.length);
  out.set(payload, module.length + header.length);
  return out;
}
