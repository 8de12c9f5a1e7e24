// The card's side of the host page API. Messages go only to the exact origin the embedding
// check verified, and only commands from that origin, sent by the parent window itself, are
// heard: another frame on the page (an ad, say) cannot pause the card or restyle it.
export type HostEvent =
  | { type: 'started' }
  | { type: 'paused' }
  | { type: 'unit-done'; units: number }
  | { type: 'credit'; credit: number }
  /** For the loader only: the card's height, so the frame fits it. */
  | { type: 'size'; height: number }
  /** For the loader only: the frame's title in the card's language, for screen readers on the host page. */
  | { type: 'title'; title: string };

export type Theme = 'light' | 'dark';
export type HostCommand = { type: 'pause' } | { type: 'theme'; theme: Theme };

export function parseTheme(value: unknown): Theme | undefined {
  return value === 'light' || value === 'dark' ? value : undefined;
}

function parseCommand(data: unknown): HostCommand | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { type, theme } = data as { type?: unknown; theme?: unknown };
  if (type === 'pause') return { type };
  const parsed = parseTheme(theme);
  return type === 'theme' && parsed ? { type, theme: parsed } : undefined;
}

export class HostChannel {
  constructor(private readonly host: string) {}

  send(event: HostEvent): void {
    if (window.parent !== window) window.parent.postMessage(event, this.host);
  }

  listen(onCommand: (command: HostCommand) => void): () => void {
    const handler = (event: MessageEvent) => {
      if (event.origin !== this.host || event.source !== window.parent) return;
      const command = parseCommand(event.data);
      if (command) onCommand(command);
    };
    addEventListener('message', handler);
    return () => removeEventListener('message', handler);
  }
}
