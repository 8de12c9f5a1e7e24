// Cuts a stream of inputs (array, iterable or async iterable) into request-sized chunks of
// JSON text, one encoding per chunk, so a batch of any size is sent with bounded memory.
import type { InputEncoding } from '../protocol/api.js';
import { bytesToBase64 } from '../protocol/encoding.js';
import { SparecyclesError } from './errors.js';
import type { Inputs } from './types.js';

export interface Chunk {
  /** Index of the chunk's first input in the whole stream. */
  offset: number;
  encoding: InputEncoding;
  /** Each input as JSON text (bytes as a base64 JSON string). */
  items: string[];
}

export const DEFAULT_CHUNK_UNITS = 10_000;
export const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;

function encode(value: unknown, index: number): { encoding: InputEncoding; text: string } {
  if (value instanceof Uint8Array) return { encoding: 'base64', text: `"${bytesToBase64(value)}"` };
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new SparecyclesError('SC_BAD_OPTION', `input ${index} cannot be sent as JSON`);
  return { encoding: 'json', text };
}

export async function* chunkInputs(
  inputs: Inputs,
  maxUnits = DEFAULT_CHUNK_UNITS,
  maxBytes = DEFAULT_CHUNK_BYTES,
): AsyncGenerator<Chunk> {
  let chunk: Chunk = { offset: 0, encoding: 'json', items: [] };
  let bytes = 0;
  let index = 0;
  for await (const value of inputs as AsyncIterable<unknown>) {
    const { encoding, text } = encode(value, index);
    const full = chunk.items.length >= maxUnits || (chunk.items.length > 0 && bytes + text.length > maxBytes);
    if (chunk.items.length > 0 && (full || encoding !== chunk.encoding)) {
      yield chunk;
      chunk = { offset: index, encoding, items: [] };
      bytes = 0;
    }
    chunk.encoding = encoding;
    chunk.items.push(text);
    bytes += text.length + 1;
    index++;
  }
  if (chunk.items.length > 0) yield chunk;
}

/** The JSON text of a request body whose `inputs` are the chunk's items. */
export function chunkBody(fields: Record<string, unknown>, chunk: Chunk): string {
  const head = JSON.stringify({ ...fields, ...(chunk.encoding === 'base64' ? { encoding: 'base64' } : {}) });
  return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"inputs":[${chunk.items.join(',')}]}`;
}
