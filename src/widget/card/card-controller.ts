// The card's behaviour, free of Preact: checks where it is framed, remembers the visitor's
// choice, starts the runtime only after a yes, keeps off battery power, obeys the host's
// pause, and tells the host what happens. The view renders `state` and calls the actions.
import type { WidgetKey, WidgetNotice } from '../../app/i18n/widget-catalogues.js';
import { watchPower } from './battery.js';
import { readChoice, storageAvailable, writeChoice } from './choice.js';
import { checkEmbedding, type CardParams } from './embedding.js';
import { HostChannel, type HostCommand, type Theme } from './host-channel.js';
import type { RunnerStatus, WidgetRunner } from './widget-runner.js';

export type Phase =
  | 'checking' // asking the server whether this page may show the card
  | 'refused' // unknown key, or framed by a page the key does not allow
  | 'ready' // says what Start does; nothing runs
  | 'declined' // "no thanks", remembered
  | 'starting'
  | 'running'
  | 'battery' // the visitor said yes, but the computer runs on battery: wait for power
  | 'paused'; // stopped by the visitor or by the host page

export interface CardState {
  phase: Phase;
  theme: Theme;
  reason: WidgetKey | undefined;
  projects: string[];
  units: number;
  progress: number | undefined;
  credit: number | undefined;
  problem: WidgetNotice | undefined;
}

export class CardController {
  state: CardState;
  private readonly listeners = new Set<(state: CardState) => void>();
  private channel: HostChannel | undefined;
  private runner: WidgetRunner | undefined;
  private power: Promise<void> | undefined;
  /** Unknown until the Battery Status API (or its absence) has answered. */
  private onBattery: boolean | undefined;
  /** Set while we stop the runner ourselves, so its "not running" is not read as giving up. */
  private stopping = false;
  private height = 0;
  private title: string | undefined;
  /** The visitor's yes stands (not declined, not stopped), whatever the battery says. */
  private wanted = false;
  /** Start, stop and power changes run one after the other, never interleaved. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly server: string,
    private readonly params: CardParams,
  ) {
    this.state = {
      phase: 'checking',
      theme: params.theme,
      reason: undefined,
      projects: [],
      units: 0,
      progress: undefined,
      credit: undefined,
      problem: undefined,
    };
  }

  subscribe(listener: (state: CardState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async init(): Promise<void> {
    const embedding = await checkEmbedding(this.server, this.params);
    if (!embedding.allowed) return this.set({ phase: 'refused', reason: embedding.reason });
    if (!storageAvailable()) {
      return this.set({ phase: 'refused', reason: 'widget.refused.noStorage' });
    }
    this.channel = new HostChannel(this.params.host);
    this.channel.listen((command) => this.command(command));
    if (this.height) this.resized(this.height);
    if (this.title) this.titled(this.title);
    this.set({ projects: embedding.projects });
    const choice = readChoice();
    if (choice === 'running') return this.want();
    this.set({ phase: choice === 'declined' ? 'declined' : choice === 'paused' ? 'paused' : 'ready' });
  }

  /** The card's size, for the loader to fit the frame to. */
  resized(height: number): void {
    // Remembered: the first sizes come before the embedding is verified and may not be sent yet.
    this.height = Math.ceil(height);
    this.channel?.send({ type: 'size', height: this.height });
  }

  /** The frame's title in the card's language, for the loader to set. */
  titled(title: string): void {
    this.title = title;
    this.channel?.send({ type: 'title', title });
  }

  start(): Promise<void> {
    writeChoice('running');
    this.set({ problem: undefined });
    return this.want();
  }

  /** Start was clicked while the card was covered, faded or just moved in: no yes is taken. */
  unseenClick(): void {
    // For the site owner, who may not know their page hides the card.
    console.warn(
      'Spare Cycles: Start was refused because the browser reports the card covered, faded, filtered or transformed by this page (or just uncovered). Show it plainly, with nothing over it.',
    );
    this.set({ problem: { key: 'widget.problem.unseen' } });
  }

  stop(): Promise<void> {
    writeChoice('paused');
    return this.halt('paused');
  }

  decline(): void {
    writeChoice('declined');
    this.set({ phase: 'declined' });
  }

  /** "Change" on the declined line: show the full card again; nothing is decided yet. */
  reconsider(): void {
    this.set({ phase: 'ready' });
  }

  private command(command: HostCommand): void {
    if (command.type === 'theme') return this.set({ theme: command.theme });
    // The host's pause lasts for this visit only: the visitor's own choice stays as it was.
    if (this.wanted) void this.halt('paused');
  }

  private async want(): Promise<void> {
    this.wanted = true;
    if (this.power) return this.enqueue(() => this.applyPower());
    // Its first answer comes at once and starts the runner when on mains power.
    this.power = watchPower((onBattery) => {
      this.onBattery = onBattery;
      void this.enqueue(() => this.applyPower());
    });
    await this.power;
  }

  private halt(phase: Phase): Promise<void> {
    this.wanted = false;
    return this.enqueue(async () => {
      await this.stopRunner();
      this.set({ phase });
    });
  }

  private async applyPower(): Promise<void> {
    if (!this.wanted || this.onBattery === undefined) return;
    if (this.onBattery) {
      await this.stopRunner();
      return this.set({ phase: 'battery' });
    }
    if (this.state.phase === 'running') return;
    this.set({ phase: 'starting', problem: undefined });
    try {
      if (!this.runner) {
        const { WidgetRunner } = await import('./widget-runner.js');
        this.runner = new WidgetRunner(this.server, this.params.site, (status) => this.follow(status));
      }
      await this.runner.start();
    } catch {
      // the runner put the reason in its status; Start is offered again
      this.wanted = false;
      return this.set({ phase: 'paused' });
    }
    if (!this.wanted) return this.stopRunner();
    this.set({ phase: 'running' });
    this.channel?.send({ type: 'started' });
  }

  private async stopRunner(): Promise<void> {
    const wasRunning = this.state.phase === 'running';
    this.stopping = true;
    try {
      await this.runner?.pause();
    } finally {
      this.stopping = false;
    }
    if (wasRunning) this.channel?.send({ type: 'paused' });
  }

  /** Mirrors the runner's status, and tells the host of each unit and credit change. */
  private follow(status: RunnerStatus): void {
    const { units, credit } = this.state;
    if (status.units > units) this.channel?.send({ type: 'unit-done', units: status.units });
    if (status.credit !== undefined && status.credit !== credit)
      this.channel?.send({ type: 'credit', credit: status.credit });
    this.set({ units: status.units, credit: status.credit, progress: status.progress, problem: status.problem });
    // The runtime gave up on its own (the server refused our results): show it as stopped.
    if (!status.running && !this.stopping && this.state.phase === 'running' && this.wanted) {
      this.wanted = false;
      this.set({ phase: 'paused' });
      this.channel?.send({ type: 'paused' });
    }
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue
      .then(step)
      .catch((err: unknown) =>
        this.set({ problem: { key: 'widget.problem.other', params: { message: (err as Error).message } } }),
      );
    return this.queue;
  }

  private set(change: Partial<CardState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener(this.state);
  }
}
