// Byte encodings used on the wire: base64 for bytes inside JSON, UTF-8 JSON text for inputs.
// Environment-free (no Buffer), so the browser and Node share it.

/** Length of the base64 text of `byteCount` bytes (padded). */
export function base64Length(byteCount: number): number {
  return Math.ceil(byteCount / 3) * 4;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export function isBase64(text: string): boolean {
  return BASE64.test(text);
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Deepest nesting of arrays and objects accepted in unit inputs, quiz answers and outputs shown as JSON. */
export const MAX_JSON_DEPTH = 64;

/** How deeply `value` nests, counted without recursion (a hostile value may nest 100,000 deep). */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, level]);
  }
  return deepest;
}

export function jsonToBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** The JSON value these bytes spell, or `undefined` when they are not UTF-8 JSON. */
export function bytesToJson(bytes: Uint8Array): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(strictDecoder.decode(bytes));
  } catch {
    return undefined;
  }
  // Nesting this deep could not be written back as JSON without exhausting the stack.
  return jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH ? undefined : { value };
}
