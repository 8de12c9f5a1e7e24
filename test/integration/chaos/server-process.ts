// The server as a child process (the built `sparecycles serve`, from dist/node) that the chaos test
// can SIGKILL and start again on the same port and data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { CLI } from '../../helpers/cli.js';
import { sleep } from './timing.js';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export class ServerProcess {
  /** Chosen at the first start, kept for every restart. */
  private port = 0;
  private server: ChildProcess | undefined;
  /** A server process not yet listening. */
  private starting: ChildProcess | undefined;
  private serverExit: Promise<void> = Promise.resolve();
  private killing = false;
  /** Set once the test is over: the server is not started again. */
  private stopped = false;
  /** The server's stderr tail, for diagnostics. */
  private log = '';
  /** Exits the test did not cause (anything here fails the test). */
  readonly unexpectedExits: string[] = [];

  /** `storeFlags`: where the server keeps its store besides the data dir (e.g. `--database-url URL`). */
  constructor(
    private readonly dataDir: string,
    private readonly storeFlags: string[] = [],
  ) {
    // If the worker dies without running afterAll, do not leave the server behind.
    process.once('exit', () => {
      this.server?.kill('SIGKILL');
      this.starting?.kill('SIGKILL');
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts `sparecycles serve` and waits until it listens; retries a start that dies early. */
  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const args = [CLI, 'serve', '--port', String(this.port), '--data-dir', this.dataDir, ...this.storeFlags, '--quiet'];
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw new Error('the test is over: not starting the server again');
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      this.starting = child;
      let stderr = '';
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const listening = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 20_000);
        child.stderr!.on('data', (d: Buffer) => {
          stderr += d.toString();
          this.log = (this.log + d.toString()).slice(-4000);
          if (stderr.includes('Spare Cycles is serving')) {
            clearTimeout(timer);
            resolve(true);
          }
        });
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      this.starting = undefined;
      if (listening && !this.stopped) {
        this.server = child;
        this.serverExit = exited;
        child.once('exit', (code, signal) => {
          if (!this.killing) {
            this.unexpectedExits.push(`server exited by itself (${code ?? signal}): ${this.log.slice(-500)}`);
          }
        });
        return;
      }
      child.kill('SIGKILL');
      await exited;
      if (attempt >= 5) throw new Error(`the server did not start on port ${this.port}: ${stderr}`);
      await sleep(200);
    }
  }

  /** SIGKILLs the server, if it runs, and waits for it to exit. */
  async kill(): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    this.killing = true;
    server.kill('SIGKILL');
    await this.serverExit;
    this.killing = false;
    this.server = undefined;
  }

  /** Kills the server for good. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.kill();
  }
}
