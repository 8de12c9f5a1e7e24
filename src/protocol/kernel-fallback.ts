// A kernel may carry a second build of itself for engines that lack a WebAssembly feature it
// uses (the alignment kernel's SIMD): the whole fallback module sits in a custom section named
// `sc.fallback`. Custom sections are ignored by WebAssembly itself, so the kernel keeps one
// content address, and the section can be read from the bytes even where the module does not
// validate. The runtime picks which to run (runtime/kernel-variant.ts); the server checks both.

export const FALLBACK_SECTION = 'sc.fallback';

/** Reads an unsigned LEB128 at `pos`; undefined when it runs past the end or past 32 bits. */
function readLeb(bytes: Uint8Array, pos: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    const b = bytes[pos++];
    if (b === undefined) return undefined;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, next: pos };
  }
  return undefined;
}

/** The payload of the first custom section called `name`, or undefined (also for bytes that are not a module). */
export function customSection(bytes: Uint8Array, name: string): Uint8Array | undefined {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    return undefined;
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos]!;
    const size = readLeb(bytes, pos + 1);
    if (!size || size.next + size.value > bytes.length) return undefined;
    const body = size.next;
    pos = body + size.value;
    if (id !== 0) continue;
    const nameLen = readLeb(bytes, body);
    if (!nameLen || nameLen.next + nameLen.value > pos) return undefined;
    const sectionName = new TextDecoder().decode(bytes.subarray(nameLen.next, nameLen.next + nameLen.value));
    if (sectionName === name) return bytes.subarray(nameLen.next + nameLen.value, pos);
  }
  return undefined;
}

/** The fallback build a kernel carries, if any. */
export function kernelFallback(bytes: Uint8Array): Uint8Array | undefined {
  return customSection(bytes, FALLBACK_SECTION);
}
