// Seeds the demo projects on a fresh data dir, so a newcomer who clicks Start sees real units
// computed, validated and credited. Idempotent: a project that exists is left alone.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DescriptionTranslations } from '../protocol/api.js';
import { jsonToBytes } from '../protocol/encoding.js';
import { createPublisherToken, hashSecret } from './auth.js';
import { admitKernel } from './kernel-check.js';
import { DEMO_TOKEN_FILE, KERNELS_DIR } from './paths.js';
import { SCIENCE_DEMOS } from './demo-science.js';
import { mandelbrotZoom, ZOOM_FRAME, ZOOM_POINTS, ZOOM_START, ZOOM_STEP } from './generators/mandelbrot-zoom.js';
import { DEFAULT_POLICY } from './routes/batches.js';
import type { WorkGenerator } from './store/generator.js';
import type { Store } from './store/store.js';

interface DemoBase {
  id: string;
  /** Its validated outputs are public: the live picture newcomers see. */
  picture: boolean;
  name: string;
  description: string;
  /** The description in the volunteer page's other languages. */
  descriptions: DescriptionTranslations;
  kernel: string;
}

/** A demo of one fixed batch of inputs. */
export interface DemoProject extends DemoBase {
  inputs: () => unknown[];
}

/** A demo a registered work generator keeps supplied. */
export interface GeneratedDemoProject extends DemoBase {
  generator: { plugin: WorkGenerator; minUnsent: number; state: unknown };
}

// 2³² split in 64 units of about 40 ms each on one core.
const PRIMES_UNITS = 64;
const PRIMES_SPAN = 2 ** 32 / PRIMES_UNITS;
const FRAME_TILES = Math.ceil(ZOOM_FRAME.width / ZOOM_FRAME.tile) * Math.ceil(ZOOM_FRAME.height / ZOOM_FRAME.tile);

export const DEMO_PROJECTS: (DemoProject | GeneratedDemoProject)[] = [
  {
    id: 'mandelbrot',
    picture: true,
    name: 'Mandelbrot',
    description:
      `A zoom into ${ZOOM_POINTS[0]!.name}, frame by frame: each unit counts escape iterations for one ` +
      `${ZOOM_FRAME.tile}×${ZOOM_FRAME.tile} tile of a ${ZOOM_FRAME.width}×${ZOOM_FRAME.height} frame, and each ` +
      `frame is ${FRAME_TILES} tiles, magnified ${ZOOM_STEP}× over the last. A picture you can watch grow, for as long as anyone volunteers.`,
    descriptions: {
      zh:
        `一段逐帧放大的“海马谷”之旅：每个单元为一幅 ${ZOOM_FRAME.width}×${ZOOM_FRAME.height} 画面中的一个 ` +
        `${ZOOM_FRAME.tile}×${ZOOM_FRAME.tile} 图块计算逃逸迭代次数，每帧 ${FRAME_TILES} 个图块，比上一帧放大 ${ZOOM_STEP} 倍。` +
        '只要有人参与，这幅图就会一直长下去。',
    },
    kernel: 'mandelbrot.wasm',
    // One frame ahead unsent at all times: the zoom never runs dry.
    generator: { plugin: mandelbrotZoom as WorkGenerator, minUnsent: FRAME_TILES, state: ZOOM_START },
  },
  {
    id: 'primes',
    picture: false,
    name: 'Prime count',
    description:
      'Counts the primes below 2³² with a segmented sieve, 67 million numbers per unit. ' +
      'The total checks against the known value π(2³²) = 203,280,221.',
    descriptions: {
      zh: '用分段筛法数出 2³² 以下的素数，每个单元处理约 6700 万个数。总数与已知值 π(2³²) = 203,280,221 相核对。',
    },
    kernel: 'primes.wasm',
    inputs: () =>
      Array.from({ length: PRIMES_UNITS }, (_, i) => ({ from: i * PRIMES_SPAN, to: (i + 1) * PRIMES_SPAN })),
  },
  ...SCIENCE_DEMOS,
];

const DEMO_TOKEN_SETTING = 'demo_token';

/**
 * The demo publisher's token, kept in the store so that every server on one database shares it
 * (and in the data dir, for the person who started this one). A data dir from before the store
 * kept it contributes its file's token.
 */
async function demoToken(store: Store, dataDir: string, now: number): Promise<string> {
  const file = join(dataDir, DEMO_TOKEN_FILE);
  const valid = async (token: string | undefined) =>
    token !== undefined && (await store.findPublisher(hashSecret(token))) !== undefined;
  let token = await store.setting(DEMO_TOKEN_SETTING);
  if (!(await valid(token))) {
    const fromFile = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
    token = (await valid(fromFile)) ? fromFile! : await createPublisherToken(store, now);
    await store.putSetting(DEMO_TOKEN_SETTING, token);
  }
  if (!existsSync(file) || readFileSync(file, 'utf8').trim() !== token) {
    mkdirSync(dataDir, { recursive: true });
    await writeFile(file, token + '\n', { mode: 0o600 });
  }
  return token!;
}

/**
 * Seeds under a lock: servers starting at once on one database seed the demo once. `only`
 * (project ids) seeds a subset, for tests that need one demo without the others' work.
 */
export function seedDemo(
  store: Store,
  dataDir: string,
  now = Date.now(),
  only?: string[],
): Promise<{ token: string; seeded: string[] }> {
  return store.exclusive('seed-demo', () => seedDemoUnlocked(store, dataDir, now, only));
}

async function seedDemoUnlocked(
  store: Store,
  dataDir: string,
  now: number,
  only: string[] | undefined,
): Promise<{ token: string; seeded: string[] }> {
  const token = await demoToken(store, dataDir, now);
  const owner = (await store.findPublisher(hashSecret(token)))!;
  const seeded: string[] = [];
  for (const demo of DEMO_PROJECTS) {
    if (only && !only.includes(demo.id)) continue;
    if (await store.getProject(demo.id)) continue;
    const file = join(KERNELS_DIR, demo.kernel);
    if (!existsSync(file)) throw new Error(`demo kernel ${file} is missing: run \`npm run build\` first`);
    const kernel = admitKernel(new Uint8Array(readFileSync(file)));
    await store.putKernel(kernel, now);
    const id = await store.createProject(
      {
        name: demo.name,
        description: demo.description,
        descriptions: demo.descriptions,
        owner,
        createdAt: now,
        publicResults: demo.picture,
      },
      demo.id,
    );
    if ('generator' in demo) {
      const { plugin, minUnsent, state } = demo.generator;
      // Servers register it at start-up (BUILT_IN_GENERATORS); a store seeded directly needs it too.
      store.registerGenerator(plugin);
      await store.attachGenerator(
        id,
        { name: plugin.name, kernel: kernel.hash, policy: DEFAULT_POLICY, minUnsent, state },
        now,
      );
      seeded.push(id);
      continue;
    }
    const inputs = demo.inputs().map((value) => ({ bytes: jsonToBytes(value), encoding: 'json' as const }));
    await store.createBatch(
      {
        ...DEFAULT_POLICY,
        id: 'b_' + randomBytes(8).toString('base64url'),
        project: id,
        kernel: kernel.hash,
        total: inputs.length,
        createdAt: now,
      },
      inputs,
    );
    seeded.push(id);
  }
  return { token, seeded };
}
