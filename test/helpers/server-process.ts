// The built server in its own process on a free loopback port, as the benchmarks run it, so
// the server and the clients measured against it do not share one event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export function startServerProcess(
  dataDir: string,
  nodeArgs: string[] = [],
  serveArgs: string[] = [],
  /** The package to run: another build of it (a benchmark's baseline), or this one. */
  root = '.',
): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      ...nodeArgs,
      join(root, 'bin', 'sparecycles.js'),
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...serveArgs,
      '--quiet',
    ]);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match) resolve({ child, url: match[1]!.replace('localhost', '127.0.0.1') });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
}

/** Stops a server started above (SIGTERM: it shuts down cleanly) and waits until it has exited. */
export function stopServerProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
