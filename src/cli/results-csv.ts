// Results as CSV: `index`, then the input's and the output's fields (`input.x`, `output.y`)
// when they are JSON objects, else one `input` / `output` column. The first result fixes the
// columns; nested values are written as JSON text, bytes as base64.
import { bytesToBase64 } from '../protocol/encoding.js';
import type { BatchResult } from '../sdk/types.js';
import { CliError } from './cli-error.js';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Uint8Array) return bytesToBase64(value);
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export class ResultsCsv {
  private columns: { part: 'input' | 'output'; key?: string }[] | undefined;

  /** The CSV text of one result: the header first, with the first result. */
  line(result: BatchResult): string {
    let head = '';
    if (!this.columns) {
      this.columns = (['input', 'output'] as const).flatMap((part) =>
        isRecord(result[part]) ? Object.keys(result[part]).map((key) => ({ part, key })) : [{ part }],
      );
      head =
        ['index', ...this.columns.map((c) => (c.key === undefined ? c.part : `${c.part}.${c.key}`))]
          .map(cellText)
          .join(',') + '\n';
    }
    for (const part of ['input', 'output'] as const) {
      const value = result[part];
      const keyed = this.columns.some((c) => c.part === part && c.key !== undefined);
      if (
        keyed !== isRecord(value) ||
        (keyed && Object.keys(value as object).some((k) => !this.columns!.some((c) => c.part === part && c.key === k)))
      ) {
        throw new CliError(
          `result ${result.index}: its ${part} has other fields than the first result's; use --format jsonl`,
        );
      }
    }
    const cells = this.columns.map((c) => {
      const value = result[c.part];
      return cellText(c.key === undefined ? value : (value as Record<string, unknown>)[c.key]);
    });
    return head + [String(result.index), ...cells].join(',') + '\n';
  }
}
