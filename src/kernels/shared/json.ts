// The kernels' inputs are flat JSON objects of non-negative integers, so this accepts exactly
// that and nothing more: `{"key":123, ...}` with JSON whitespace, keys in any order, each of
// `keys` exactly once, no other keys, values as plain digits (no sign, fraction, exponent or
// leading zero). The TypeScript references apply the same rules, so both reject the same inputs.

/** Numbers of more digits than this are rejected before they could overflow a u64. */
const MAX_DIGITS: i32 = 15;

function isSpace(c: u32): bool {
  return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d;
}

/** Returns the values in the order of `keys`, or null if the text is not of that shape. */
export function parseUintObject(ptr: usize, len: usize, keys: string[]): StaticArray<u64> | null {
  const n = keys.length;
  const values = new StaticArray<u64>(n);
  const seen = new StaticArray<bool>(n);
  const end = ptr + len;
  let p = ptr;
  while (p < end && isSpace(load<u8>(p))) p++;
  if (p >= end || load<u8>(p) != 0x7b) return null; // {
  p++;
  let found = 0;
  while (true) {
    while (p < end && isSpace(load<u8>(p))) p++;
    if (p >= end || load<u8>(p) != 0x22) return null; // "
    const keyStart = ++p;
    while (p < end && load<u8>(p) != 0x22) p++;
    if (p >= end) return null;
    const keyIndex = findKey(keyStart, p - keyStart, keys);
    if (keyIndex < 0 || seen[keyIndex]) return null;
    p++;
    while (p < end && isSpace(load<u8>(p))) p++;
    if (p >= end || load<u8>(p) != 0x3a) return null; // :
    p++;
    while (p < end && isSpace(load<u8>(p))) p++;
    const digitsStart = p;
    let value: u64 = 0;
    while (p < end && load<u8>(p) >= 0x30 && load<u8>(p) <= 0x39) {
      value = value * 10 + <u64>(load<u8>(p) - 0x30);
      p++;
    }
    const digits = <i32>(p - digitsStart);
    if (digits == 0 || digits > MAX_DIGITS) return null;
    if (digits > 1 && load<u8>(digitsStart) == 0x30) return null;
    values[keyIndex] = value;
    seen[keyIndex] = true;
    found++;
    while (p < end && isSpace(load<u8>(p))) p++;
    if (p >= end) return null;
    const c = load<u8>(p++);
    if (c == 0x7d) break; // }
    if (c != 0x2c) return null; // ,
  }
  while (p < end && isSpace(load<u8>(p))) p++;
  if (p != end || found != n) return null;
  return values;
}

function findKey(ptr: usize, len: usize, keys: string[]): i32 {
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (<usize>key.length != len) continue;
    let same = true;
    for (let i = 0; i < key.length; i++) {
      if (<u32>load<u8>(ptr + <usize>i) != <u32>key.charCodeAt(i)) {
        same = false;
        break;
      }
    }
    if (same) return k;
  }
  return -1;
}
