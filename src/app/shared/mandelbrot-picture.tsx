// The demo's picture: every validated tile of a Mandelbrot project painted where it belongs, as
// soon as it is validated. Polls the project's public outputs in validation order (the server
// keeps no per-client cursor, so we follow `seq`). Used by the dashboard, the leaderboard and the
// volunteer page: keep the props minimal and stable.
import { useEffect, useRef, useState } from 'preact/hooks';
import { API_PREFIX } from '../../protocol/api.js';
import { useI18n } from '../i18n/app-i18n.js';
import { paintTile, tilesInImage, toTile, type MandelbrotTile } from './mandelbrot-tiles.js';

export interface MandelbrotPictureProps {
  /** A project whose units are Mandelbrot tiles and whose outputs are public, e.g. 'mandelbrot'. */
  project: string;
  title?: string;
}

interface OutputsPage {
  outputs: { seq: number; input: unknown; output: unknown }[];
  next: number | null;
}

interface View {
  painted: number;
  total: number;
  /** The first answer came: until then nothing is shown, so a project that turns out not to be a picture never flashes one. */
  loaded: boolean;
  /** No such public project here, or its outputs are not tiles: the picture hides itself. */
  absent: boolean;
  offline: boolean;
}

const POLL_MS = 1000;
/** Once the image is whole, new tiles only come from a new batch: look less often. */
const COMPLETE_POLL_MS = 10_000;
const OFFLINE_POLL_MS = 5000;
const PAGE = 200;
/** A backlog (a page opened late) still builds up visibly, tile by tile, in about a second. */
const TILES_PER_FRAME = 3;
/** The demo's image size, so the placeholder has the right shape before the first tile. */
const DEFAULT_SIZE = { width: 896, height: 640 };
const EMPTY: View = { painted: 0, total: 0, loaded: false, absent: false, offline: false };

export function MandelbrotPicture({ project, title: givenTitle }: MandelbrotPictureProps) {
  const { t } = useI18n();
  const title = givenTitle ?? t('shared.picture.title');
  const canvas = useRef<HTMLCanvasElement>(null);
  const [view, setView] = useState<View>(EMPTY);

  useEffect(() => {
    const abort = new AbortController();
    const queue: MandelbrotTile[] = [];
    const painted = new Set<string>();
    let total = 0;
    let after = 0;
    let frame: number | undefined;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    setView(EMPTY);

    const paintSome = () => {
      frame = undefined;
      const element = canvas.current;
      const context = element?.getContext('2d');
      if (!element || !context) {
        // The canvas mounts with the first answer's render; paint on the next frame.
        if (queue.length > 0) frame = requestAnimationFrame(paintSome);
        return;
      }
      for (let i = 0; i < TILES_PER_FRAME && queue.length > 0; i++) {
        const tile = queue.shift()!;
        // Resizing clears the canvas, so it happens only before the first tile.
        if (painted.size === 0 && (element.width !== tile.width || element.height !== tile.height)) {
          element.width = tile.width;
          element.height = tile.height;
        }
        paintTile(context, tile);
        painted.add(`${tile.x},${tile.y}`);
        total = Math.max(total, tilesInImage(tile));
      }
      setView((old) => ({ ...old, painted: painted.size, total }));
      if (queue.length > 0) frame = requestAnimationFrame(paintSome);
    };

    const fetchNew = async (): Promise<'ok' | 'absent'> => {
      for (;;) {
        const url = `${API_PREFIX}/projects/${encodeURIComponent(project)}/outputs?after=${after}&limit=${PAGE}`;
        const response = await fetch(url, { signal: abort.signal });
        if ([401, 403, 404].includes(response.status)) return 'absent';
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        const page = (await response.json()) as OutputsPage;
        for (const output of page.outputs) {
          after = Math.max(after, output.seq);
          const tile = toTile(output.input, output.output);
          if (tile) queue.push(tile);
          else if (painted.size === 0 && queue.length === 0) return 'absent';
        }
        if (page.next === null) return 'ok';
      }
    };

    const poll = async () => {
      let delay = POLL_MS;
      // A hidden tab cannot paint anyway (no animation frames); it catches up when shown.
      if (!document.hidden) {
        try {
          if ((await fetchNew()) === 'absent') {
            setView((old) => ({ ...old, absent: true }));
            return;
          }
          setView((old) => (old.offline || !old.loaded ? { ...old, loaded: true, offline: false } : old));
          if (queue.length > 0 && frame === undefined) frame = requestAnimationFrame(paintSome);
          if (total > 0 && painted.size >= total) delay = COMPLETE_POLL_MS;
        } catch {
          if (abort.signal.aborted) return;
          setView((old) => ({ ...old, offline: true }));
          delay = OFFLINE_POLL_MS;
        }
      }
      if (!abort.signal.aborted) pollTimer = setTimeout(() => void poll(), delay);
    };

    void poll();
    return () => {
      abort.abort();
      clearTimeout(pollTimer);
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [project]);

  if (view.absent || !view.loaded) return null;
  const progress =
    view.painted === 0
      ? t('shared.picture.empty')
      : t('shared.picture.progress', { painted: view.painted, total: view.total });
  return (
    <figure class="picture">
      {/* Constant size attributes: Preact never rewrites them, which would clear the canvas. */}
      <canvas
        ref={canvas}
        class="picture-canvas"
        width={DEFAULT_SIZE.width}
        height={DEFAULT_SIZE.height}
        role="img"
        aria-label={t('shared.picture.label', { title, progress })}
        data-testid="picture-canvas"
      />
      <figcaption class="picture-caption">
        <span class="picture-title">{title}</span>
        <span class="picture-progress" data-testid="picture-progress">
          {progress}
          {view.offline && t('shared.picture.reconnecting')}
        </span>
        <span class="picture-note">{t('shared.picture.note')}</span>
      </figcaption>
    </figure>
  );
}
