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
import { DEFAULT_POLICY } from './routes/batches.js';
import type { Store } from './store/store.js';

export interface DemoProject {
  id: string;
  /** Its validated outputs are public: the live picture newcomers see. */
  picture: boolean;
  name: string;
  description: string;
  /** The description in the volunteer page's other languages. */
  descriptions: DescriptionTranslations;
  kernel: string;
  inputs: () => unknown[];
}

// 2³² split in 64 units of about 40 ms each on one core.
const PRIMES_UNITS = 64;
const PRIMES_SPAN = 2 ** 32 / PRIMES_UNITS;
const IMAGE = { width: 896, height: 640, tile: 64, maxIter: 1000 };

export const DEMO_PROJECTS: DemoProject[] = [
  {
    id: 'mandelbrot',
    picture: true,
    name: 'Mandelbrot',
    description:
      'Draws the Mandelbrot set tile by tile: each unit counts escape iterations for one 64×64 tile of an ' +
      `${IMAGE.width}×${IMAGE.height} image. A picture you can watch grow.`,
    descriptions: {
      zh:
        `逐块绘制曼德博集合：每个单元为一幅 ${IMAGE.width}×${IMAGE.height} 图像中的一个 64×64 图块计算逃逸迭代次数。` +
        '一幅看得见它长大的图。',
    },
    kernel: 'mandelbrot.wasm',
    inputs: () => {
      const inputs = [];
      for (let y = 0; y < IMAGE.height; y += IMAGE.tile) {
        for (let x = 0; x < IMAGE.width; x += IMAGE.tile) {
          inputs.push({
            width: IMAGE.width,
            height: IMAGE.height,
            x,
            y,
            w: IMAGE.tile,
            h: IMAGE.tile,
            maxIter: IMAGE.maxIter,
          });
        }
      }
      return inputs;
    },
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
