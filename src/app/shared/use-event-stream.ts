// One server-sent event stream per page, with a connection state the page can show. EventSource
// retries by itself after a dropped connection, but gives up for good when the server answers
// with an error status (a bad token, a restart mid-handshake); we then retry with a growing delay.
import { useEffect, useRef, useState } from 'preact/hooks';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface StreamHandlers {
  /** Called with the parsed `data` of each event whose name is a key here. */
  events: Record<string, (data: unknown) => void>;
  /** The server refused the stream (EventSource closed it); e.g. check whether a token still works. */
  onRefused?: () => void;
}

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** The server sends every second; this long without a word means a stalled connection. */
const SILENCE_MS = 10_000;

/** Subscribes to `url` (undefined: no stream) and reports whether events are arriving. */
export function useEventStream(url: string | undefined, handlers: StreamHandlers): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  // Handlers change on every render; the stream must not reconnect for that.
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!url) return undefined;
    let source: EventSource | undefined;
    let retryMs = RETRY_MIN_MS;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let lastEvent = Date.now();
    let stopped = false;

    const reopen = (delay: number) => {
      source?.close();
      source = undefined;
      setStatus('reconnecting');
      clearTimeout(retryTimer);
      retryTimer = setTimeout(open, delay);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    };

    function open() {
      if (stopped) return;
      const stream = new EventSource(url!);
      source = stream;
      lastEvent = Date.now();
      stream.onopen = () => {
        retryMs = RETRY_MIN_MS;
        setStatus('live');
      };
      stream.onerror = () => {
        if (stream.readyState === EventSource.CLOSED) {
          latest.current.onRefused?.();
          reopen(retryMs);
        } else {
          setStatus('reconnecting');
        }
      };
      for (const name of Object.keys(latest.current.events)) {
        stream.addEventListener(name, (event) => {
          lastEvent = Date.now();
          setStatus('live');
          let data: unknown;
          try {
            data = JSON.parse((event as MessageEvent<string>).data);
          } catch {
            return; // a garbled frame is skipped; the next one comes within a second
          }
          latest.current.events[name]?.(data);
        });
      }
    }

    const watchdog = setInterval(() => {
      if (source && Date.now() - lastEvent > SILENCE_MS) reopen(0);
    }, SILENCE_MS / 2);
    setStatus('connecting');
    open();
    return () => {
      stopped = true;
      clearInterval(watchdog);
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [url]);

  return status;
}
