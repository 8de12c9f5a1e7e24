// What `kernel add` reports on a terminal: memory limits read from the module's import and
// memory sections, and the imports and exports WebAssembly.Module lists.
import { describe, expect, it } from 'vitest';
import { kernelReport, memoryLimits } from '../../src/cli/kernel-report.js';
import { tinyKernel } from '../helpers/tiny-kernel.js';

const name = (s: string) => [s.length, ...Buffer.from(s)];

/** A module that imports `env.mem` (min 2, max 16 pages) and a function, and defines no memory. */
function importedMemoryModule(): Uint8Array {
  const imports = [
    0x02,
    ...name('sc'),
    ...name('progress'),
    0x00,
    0x00,
    ...name('env'),
    ...name('mem'),
    0x02,
    0x01,
    0x02,
    0x10,
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x05, 0x01, 0x60, 0x01, 0x7c, 0x00], // type 0: (f64) -> ()
    ...[0x02, imports.length, ...imports],
  ]);
}

describe('kernel report', () => {
  it('reads defined and imported memory limits', () => {
    expect(memoryLimits(tinyKernel())).toEqual([{ min: 1, imported: false }]);
    const module = importedMemoryModule();
    expect(WebAssembly.validate(module as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(memoryLimits(module)).toEqual([{ min: 2, max: 16, imported: true }]);
  });

  it('lists ABI, imports, exports, memory, size and hash', () => {
    const lines = kernelReport(tinyKernel(), { hash: 'f'.repeat(64), abi: 'sc1', size: tinyKernel().length });
    expect(lines[0]).toBe('kernel accepted: ABI sc1');
    expect(lines).toContain('  imports: (none)');
    expect(lines).toContain(
      '  exports: memory (memory), alloc (function), run (function), output_ptr (function), output_len (function)',
    );
    expect(lines).toContain('  memory:  min 1 page (64 KiB), max none (grows to the host limit)');
    expect(lines).toContain(`  size:    ${tinyKernel().length} bytes`);
    expect(lines).toContain(`  hash:    ${'f'.repeat(64)}`);
    const imported = kernelReport(importedMemoryModule(), { hash: 'e'.repeat(64), abi: 'sc1', size: 1 });
    expect(imported).toContain('  imports: sc.progress (function), env.mem (memory)');
    expect(imported).toContain('  memory:  imported, min 2 pages (128 KiB), max 16 pages (1 MiB)');
  });
});
