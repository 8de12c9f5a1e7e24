// The demo's picture: every validated tile of a Mandelbrot project painted where it belongs, as
// soon as it is validated, and, on the volunteer page, this browser's own tiles the moment they
// are computed, washed out and outlined until a second opinion confirms them. A zoom (the demo's
// work generator) shows its current frame large and the frames before it in a strip. Polls the
// project's public outputs in validation order (the server keeps no per-client cursor, so we
// follow `seq`). Used by the dashboard, the leaderboard and the volunteer page: keep the props
// minimal and stable.
import { useEffect, useRef, useState } from 'preact/hooks';
import { API_PREFIX } from '../../protocol/api.js';
import { base64ToBytes } from '../../protocol/encoding.js';
import { useI18n } from '../i18n/app-i18n.js';
import type { OwnResult, OwnResultsSource } from '../own-results.js';
import { countTiles, FrameSet, isFinished, type Frame, type TileState } from './mandelbrot-frames.js';
import { paintTile, toTile } from './mandelbrot-tiles.js';

export interface MandelbrotPictureProps {
  /** A project whose units are Mandelbrot tiles and whose outputs are public, e.g. 'mandelbrot'. */
  project: string;
  title?: string;
  /** This browser's own results (the volunteer page): shown at once, marked until confirmed. */
  own?: OwnResultsSource;
}

interface OutputsPage {
  outputs: { seq: number; input: unknown; output: unknown }[];
  next: number | null;
}

interface FrameView {
  key: string;
  zoom: number;
  total: number;
  confirmed: number;
  waiting: number;
  finished: boolean;
}

interface View {
  /** The frames with tiles, shallowest first; the last is the current one, drawn large. */
  frames: FrameView[];
  /** The first answer came: until then nothing is shown, so a project that turns out not to be a picture never flashes one. */
  loaded: boolean;
  /** No such public project here, or its outputs are not tiles: the picture hides itself. */
  absent: boolean;
  offline: boolean;
}

const POLL_MS = 1000;
const OFFLINE_POLL_MS = 5000;
const PAGE = 200;
/** Validations fetched on opening: about the frames the picture shows, not a long zoom's whole history. */
const TAIL = 300;
/** A backlog (a page opened late) still builds up visibly, tile by tile, in about a second. */
const TILES_PER_FRAME = 6;
/** Frames before the current one shown in the strip. */
const STRIP_FRAMES = 6;
/** Frames kept at all (pixels and tiles): the current one and the strip. */
const KEPT_FRAMES = STRIP_FRAMES + 1;
/** The demo's frame size, so the placeholder has the right shape before the first tile. */
const DEFAULT_SIZE = { width: 448, height: 320 };
const EMPTY: View = { frames: [], loaded: false, absent: false, offline: false };
const decoder = new TextDecoder();

/** Magnification for the locale: three figures, in scientific notation once it is large. */
const zoomFormat = (zoom: number): Intl.NumberFormatOptions =>
  zoom < 10_000 ? { maximumSignificantDigits: 3 } : { notation: 'scientific', maximumFractionDigits: 1 };

function viewOf(frame: Frame): FrameView {
  const confirmed = countTiles(frame, 'confirmed');
  return {
    key: frame.key,
    zoom: frame.zoom,
    total: frame.total,
    confirmed,
    waiting: countTiles(frame, 'waiting'),
    finished: isFinished(frame),
  };
}

function parseOwn(result: OwnResult): { input: unknown; output: unknown } | undefined {
  if (!result.output) return undefined;
  try {
    return {
      input: JSON.parse(decoder.decode(base64ToBytes(result.input))) as unknown,
      output: JSON.parse(decoder.decode(result.output)) as unknown,
    };
  } catch {
    return undefined;
  }
}

/** Paints a tile into its frame's canvas: as it is when confirmed, washed and outlined while waiting. */
function paintInto(canvas: HTMLCanvasElement, state: TileState | 'gone', input: unknown, output: unknown) {
  const tile = toTile(input, output);
  const context = canvas.getContext('2d');
  if (!tile || !context) return;
  if (canvas.width !== tile.width || canvas.height !== tile.height) {
    canvas.width = tile.width;
    canvas.height = tile.height;
  }
  if (state === 'gone') {
    context.clearRect(tile.x, tile.y, tile.w, tile.h);
    return;
  }
  paintTile(context, tile);
  if (state === 'waiting') {
    context.fillStyle = 'rgba(255, 255, 255, 0.5)';
    context.fillRect(tile.x, tile.y, tile.w, tile.h);
    context.setLineDash([4, 3]);
    context.lineWidth = 2;
    context.strokeStyle = 'rgb(20, 60, 55)';
    context.strokeRect(tile.x + 1, tile.y + 1, tile.w - 2, tile.h - 2);
    context.setLineDash([]);
  }
}

export function MandelbrotPicture({ project, title: givenTitle, own }: MandelbrotPictureProps) {
  const { t, number } = useI18n();
  const title = givenTitle ?? t('shared.picture.title');
  const zoomText = (zoom: number) => number(zoom, zoomFormat(zoom));
  const canvas = useRef<HTMLCanvasElement>(null);
  const strip = useRef<Map<string, HTMLCanvasElement>>(new Map());
  const redraw = useRef<() => void>(() => {});
  const [view, setView] = useState<View>(EMPTY);

  useEffect(() => {
    const abort = new AbortController();
    const frames = new FrameSet();
    /** Each frame's full-size picture, off screen; the visible canvases copy from these. */
    const images = new Map<string, HTMLCanvasElement>();
    const queue: { frame: Frame; state: TileState | 'gone'; input: unknown; output: unknown }[] = [];
    let after: number | undefined;
    let sawTile = false;
    let animation: number | undefined;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    setView(EMPTY);

    const show = () => {
      for (const gone of frames.keepNewest(KEPT_FRAMES)) images.delete(gone.key);
      const ordered = frames.ordered();
      const current = ordered.at(-1);
      const main = canvas.current;
      const image = current && images.get(current.key);
      if (main && image) {
        if (main.width !== image.width || main.height !== image.height) {
          main.width = image.width;
          main.height = image.height;
        }
        const context = main.getContext('2d');
        context?.clearRect(0, 0, main.width, main.height);
        context?.drawImage(image, 0, 0);
      }
      for (const [key, thumb] of strip.current) {
        const source = images.get(key);
        const context = thumb.getContext('2d');
        if (!source || !context) continue;
        context.clearRect(0, 0, thumb.width, thumb.height);
        context.drawImage(source, 0, 0, thumb.width, thumb.height);
      }
      setView((old) => ({ ...old, frames: ordered.map(viewOf) }));
    };
    redraw.current = show;

    const paintSome = () => {
      animation = undefined;
      for (let i = 0; i < TILES_PER_FRAME && queue.length > 0; i++) {
        const { frame, state, input, output } = queue.shift()!;
        let image = images.get(frame.key);
        if (!image) {
          image = document.createElement('canvas');
          images.set(frame.key, image);
        }
        paintInto(image, state, input, output);
      }
      show();
      if (queue.length > 0) animation = requestAnimationFrame(paintSome);
    };
    const enqueue = (frame: Frame | undefined, state: TileState | 'gone', input: unknown, output: unknown) => {
      if (!frame) return;
      queue.push({ frame, state, input, output });
      animation ??= requestAnimationFrame(paintSome);
    };

    const fetchNew = async (): Promise<'ok' | 'absent'> => {
      for (;;) {
        const from = after === undefined ? `tail=${TAIL}` : `after=${after}`;
        const url = `${API_PREFIX}/projects/${encodeURIComponent(project)}/outputs?${from}&limit=${PAGE}`;
        const response = await fetch(url, { signal: abort.signal });
        if ([401, 403, 404].includes(response.status)) return 'absent';
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        const page = (await response.json()) as OutputsPage;
        for (const output of page.outputs) {
          after = Math.max(after ?? 0, output.seq);
          if (!toTile(output.input, output.output)) {
            if (!sawTile) return 'absent';
            continue;
          }
          sawTile = true;
          enqueue(frames.add(output.input, output.output, 'confirmed'), 'confirmed', output.input, output.output);
        }
        after ??= 0;
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
        } catch {
          if (abort.signal.aborted) return;
          setView((old) => ({ ...old, offline: true }));
          delay = OFFLINE_POLL_MS;
        }
      }
      if (!abort.signal.aborted) pollTimer = setTimeout(() => void poll(), delay);
    };

    // Own results come straight from this browser: no round trip before they show.
    /** The status each own result was last drawn with: only what changed is parsed and drawn again. */
    const drawn = new Map<string, string>();
    const unsubscribe = own?.subscribe(project, (results) => {
      for (const result of results) {
        if (drawn.get(result.lease) === result.status) continue;
        drawn.set(result.lease, result.status);
        const parsed = parseOwn(result);
        if (!parsed) continue;
        if (result.status === 'waiting' || result.status === 'confirmed') {
          enqueue(frames.add(parsed.input, parsed.output, result.status), result.status, parsed.input, parsed.output);
        } else {
          enqueue(frames.drop(parsed.input, parsed.output), 'gone', parsed.input, parsed.output);
        }
      }
    });

    void poll();
    return () => {
      abort.abort();
      unsubscribe?.();
      clearTimeout(pollTimer);
      if (animation !== undefined) cancelAnimationFrame(animation);
      redraw.current = () => {};
    };
  }, [project, own]);

  // The strip's canvases mount after a render: draw them (and a remounted main canvas) then.
  useEffect(() => redraw.current(), [view.frames.length, view.loaded]);

  if (view.absent || !view.loaded) return null;
  const current = view.frames.at(-1);
  const earlier = view.frames.slice(0, -1).slice(-STRIP_FRAMES);
  // A zoom's frame says how deep it is; a plain picture (zoom 1) needs no such note.
  const zoom = current && current.zoom > 1 ? t('picture.zoom', { zoom: zoomText(current.zoom) }) : '';
  const progress = !current
    ? t('shared.picture.empty')
    : t('picture.confirmed', { confirmed: current.confirmed, total: current.total }) + zoom;
  const waiting = current?.waiting ?? 0;
  const waitingText = waiting > 0 ? t('picture.waiting', { count: waiting }) : '';
  const label = t('shared.picture.label', { title, progress });
  return (
    <figure
      class="picture"
      data-project={project}
      data-frames={view.frames.length}
      data-confirmed={current?.confirmed ?? 0}
      data-waiting={waiting}
    >
      {/* Constant size attributes: Preact never rewrites them, which would clear the canvas. */}
      <canvas
        ref={canvas}
        class="picture-canvas"
        width={DEFAULT_SIZE.width}
        height={DEFAULT_SIZE.height}
        role="img"
        aria-label={waitingText ? t('picture.labelWaiting', { label, waiting: waitingText }) : label}
        data-testid="picture-canvas"
      />
      <figcaption class="picture-caption">
        <span class="picture-title">{title}</span>
        <span class="picture-progress" data-testid="picture-progress">
          {progress}
          {view.offline && t('shared.picture.reconnecting')}
        </span>
        {waitingText && (
          <span class="picture-waiting" data-testid="picture-waiting">
            {waitingText}
          </span>
        )}
        {own && (
          <span class="picture-legend">
            <span class="legend-item">
              <span class="legend-swatch legend-confirmed" aria-hidden="true" /> {t('picture.legend.confirmed')}
            </span>
            <span class="legend-item">
              <span class="legend-swatch legend-waiting" aria-hidden="true" /> {t('picture.legend.waiting')}
            </span>
          </span>
        )}
        {earlier.length > 0 && (
          <ol class="picture-strip" aria-label={t('picture.strip')} data-testid="picture-strip">
            {earlier.map((frame) => (
              <li
                key={frame.key}
                class={frame.finished ? 'strip-frame strip-finished' : 'strip-frame'}
                data-confirmed={frame.confirmed}
                data-waiting={frame.waiting}
              >
                <canvas
                  ref={(element) => {
                    if (element) strip.current.set(frame.key, element);
                    else strip.current.delete(frame.key);
                  }}
                  width={112}
                  height={80}
                  role="img"
                  aria-label={t('picture.stripFrame', {
                    zoom: zoomText(frame.zoom),
                    confirmed: frame.confirmed,
                    total: frame.total,
                  })}
                />
                <span class="strip-label">
                  ×{zoomText(frame.zoom)}
                  {frame.finished ? ' ✓' : ''}
                </span>
              </li>
            ))}
          </ol>
        )}
        <span class="picture-note">{own ? t('picture.noteOwn') : t('shared.picture.note')}</span>
      </figcaption>
    </figure>
  );
}
