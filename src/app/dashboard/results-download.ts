// Results downloads. The results route needs the token in a header, which a plain link cannot
// send, so the page fetches the JSONL itself and hands it to the browser as a Blob. CSV is made
// here from the same lines, so the server keeps one results format.
import type { ResultLine } from '../../protocol/api.js';

/** RFC 4180: a cell with a comma, quote or line break is quoted, and its quotes doubled. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * CSV with columns index,input,output; input and output cells hold JSON text, so any value
 * survives the trip. Bytes the server sent as base64 get encoding columns, only when some occur.
 */
export function jsonlToCsv(jsonl: string): string {
  const lines = jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ResultLine);
  const encodings = lines.some((line) => line.inputEncoding || line.outputEncoding);
  const header = ['index', 'input', 'output', ...(encodings ? ['input_encoding', 'output_encoding'] : [])];
  const rows = lines.map((line) => [
    String(line.index),
    JSON.stringify(line.input),
    JSON.stringify(line.output),
    ...(encodings ? [line.inputEncoding ?? 'json', line.outputEncoding ?? 'json'] : []),
  ]);
  return [header, ...rows].map((cells) => cells.map(csvCell).join(',') + '\r\n').join('');
}

/** Offers `text` as a file download, as a link with `download` would. */
export function saveText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the Blob by the time the click handler returns; free it a bit later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
