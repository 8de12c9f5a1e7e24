// The lead's dashboard frames, live: the server pushes one every second over server-sent events.
// A stream the server refuses is either a token that stopped working (sign out, say why) or a
// server that is down for a moment (the stream retries by itself).
import { useState } from 'preact/hooks';
import { useEventStream, type StreamStatus } from '../shared/use-event-stream.js';
import { eventsUrl, fetchFrame, TokenRejectedError, type DashboardFrame } from './dashboard-api.js';

export interface DashboardView {
  frame: DashboardFrame | undefined;
  status: StreamStatus;
  /** Shows a frame fetched some other way (the sign-in check) until the stream's first one. */
  show(frame: DashboardFrame | undefined): void;
}

export function useDashboard(token: string | undefined, onTokenRejected: () => void): DashboardView {
  const [frame, setFrame] = useState<DashboardFrame>();
  const status = useEventStream(token ? eventsUrl(token) : undefined, {
    events: {
      dashboard: (data) => {
        if (data && Array.isArray((data as DashboardFrame).projects)) setFrame(data as DashboardFrame);
      },
    },
    onRefused: () => {
      if (!token) return;
      fetchFrame(token).catch((err: unknown) => {
        if (err instanceof TokenRejectedError) onTokenRejected();
      });
    },
  });
  return { frame, status, show: setFrame };
}
