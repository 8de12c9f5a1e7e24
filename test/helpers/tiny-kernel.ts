// The smallest kernel that passes the server's sc1 checks, built byte by byte so that tests can
// upload fresh kernels (a different `body` gives a different hash) without a compiler.

/** The smallest sc1 kernel: exports memory, alloc, run, output_ptr, output_len; every function returns `body`. */
export function tinyKernel(body = 0): Buffer {
  const fn = [0x04, 0x00, 0x41, body, 0x0b]; // size 4, no locals, i32.const body, end
  const name = (s: string) => [s.length, ...Buffer.from(s)];
  const exports = [
    0x05,
    ...name('memory'),
    0x02,
    0x00,
    ...name('alloc'),
    0x00,
    0x00,
    ...name('run'),
    0x00,
    0x01,
    ...name('output_ptr'),
    0x00,
    0x02,
    ...name('output_len'),
    0x00,
    0x03,
  ];
  return Buffer.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x10, 0x03, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f],
    ...[0x03, 0x05, 0x04, 0x00, 0x01, 0x02, 0x02],
    ...[0x05, 0x03, 0x01, 0x00, 0x01],
    ...[0x07, exports.length, ...exports],
    ...[0x0a, 0x15, 0x04, ...fn, ...fn, ...fn, ...fn],
  ]);
}
