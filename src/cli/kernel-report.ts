// What `kernel add` shows on a terminal: the module's ABI, imports, exports, memory limits,
// size and hash. Imports and exports come from WebAssembly.Module; memory limits are read
// from the module's import and memory sections (the JS API does not expose them).
import type { KernelInfo } from '../protocol/api.js';

const PAGE = 64 * 1024;

export interface MemoryLimits {
  /** Pages of 64 KiB. */
  min: number;
  max?: number;
  imported: boolean;
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError('unexpected end of module');
    return this.bytes[this.pos++]!;
  }
  leb(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
  }
  skip(n: number): void {
    this.pos += n;
  }
  limits(imported: boolean): MemoryLimits {
    const flags = this.byte();
    const min = this.leb();
    return flags & 1 ? { min, max: this.leb(), imported } : { min, imported };
  }
}

/** The memories a (valid) module declares or imports, with their limits in pages. */
export function memoryLimits(bytes: Uint8Array): MemoryLimits[] {
  const r = new Reader(bytes);
  r.skip(8);
  const memories: MemoryLimits[] = [];
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.leb();
    const end = r.pos + size;
    if (id === 2) {
      for (let n = r.leb(); n > 0; n--) {
        r.skip(r.leb()); // module name
        r.skip(r.leb()); // field name
        const kind = r.byte();
        if (kind === 0) r.leb();
        else if (kind === 1) {
          r.byte();
          r.limits(true);
        } else if (kind === 2) memories.push(r.limits(true));
        else if (kind === 3) r.skip(2);
        else if (kind === 4) {
          r.byte();
          r.leb();
        }
      }
    } else if (id === 5) {
      for (let n = r.leb(); n > 0; n--) memories.push(r.limits(false));
    }
    r.pos = end;
  }
  return memories;
}

/** Pages as the bytes they hold: `2 pages (128 KiB)`, `16 pages (1 MiB)`. */
function pagesText(pages: number): string {
  const kib = (pages * PAGE) / 1024;
  return `${pages} page${pages === 1 ? '' : 's'} (${kib < 1024 ? `${kib} KiB` : `${kib / 1024} MiB`})`;
}

/** The report's lines, for a module the server admitted as `info`. */
export function kernelReport(bytes: Uint8Array, info: KernelInfo): string[] {
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const imports = WebAssembly.Module.imports(module);
  const exports = WebAssembly.Module.exports(module);
  const list = (items: string[]) => (items.length ? items.join(', ') : '(none)');
  const memories = memoryLimits(bytes).map(
    (m) =>
      `${m.imported ? 'imported, ' : ''}min ${pagesText(m.min)}, max ${m.max === undefined ? 'none (grows to the host limit)' : pagesText(m.max)}`,
  );
  return [
    `kernel accepted: ABI ${info.abi}`,
    `  imports: ${list(imports.map((i) => `${i.module}.${i.name} (${i.kind})`))}`,
    `  exports: ${list(exports.map((e) => `${e.name} (${e.kind})`))}`,
    `  memory:  ${list(memories)}`,
    `  size:    ${info.size.toLocaleString('en')} bytes`,
    `  hash:    ${info.hash}`,
  ];
}
