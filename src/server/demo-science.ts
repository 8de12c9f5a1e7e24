// The two science demos seeded by `serve --demo`: a Lorenz-96 weather ensemble (predictability)
// and Smith-Waterman read alignment (genomics), with inputs built here, deterministically.
import { referenceGenome, sequencingReads } from './demo-genome.js';
import type { DemoProject } from './seed-demo.js';

/** Lorenz's 40 variables and chaotic forcing F = 8; dt 0.01 (about 1.2 hours of weather). */
export const ENSEMBLE = {
  members: 1000,
  n: 40,
  forcingMilli: 8000,
  dtMicro: 10000,
  /** 15 model time units, about 75 days: long past the point where members forget the start. */
  steps: 1500,
  every: 25,
  /** Each variable nudged by up to a millionth: far below any thermometer's precision. */
  perturbNano: 1000,
};

export const GENOME = {
  length: 20000,
  window: 2000,
  /** Windows overlap by more than a read, so every read lies wholly inside at least one. */
  overlap: 200,
  reads: 240,
  readLength: 150,
  readsPerUnit: 48,
  seed: 2026,
};

/** `ref:<first>-<last> reads:<first>-<last>`, 1-based and inclusive: what the alignment page reads. */
export function alignmentLabel(windowStart: number, windowEnd: number, firstRead: number, lastRead: number): string {
  return `ref:${windowStart + 1}-${windowEnd} reads:${firstRead + 1}-${lastRead}`;
}

export function alignmentInputs(): { query: string; targets: string[]; label: string }[] {
  const reference = referenceGenome(GENOME.length, GENOME.seed);
  const reads = sequencingReads(reference, GENOME.reads, GENOME.readLength, GENOME.seed + 1);
  const inputs = [];
  for (let start = 0; start + GENOME.overlap < GENOME.length; start += GENOME.window - GENOME.overlap) {
    const end = Math.min(GENOME.length, start + GENOME.window);
    for (let first = 0; first < reads.length; first += GENOME.readsPerUnit) {
      const batch = reads.slice(first, first + GENOME.readsPerUnit);
      inputs.push({
        label: alignmentLabel(start, end, first, first + batch.length),
        query: reference.slice(start, end),
        targets: batch.map((r) => r.sequence),
      });
    }
  }
  return inputs;
}

export const SCIENCE_DEMOS: DemoProject[] = [
  {
    id: 'lorenz96',
    picture: true,
    name: 'Weather ensemble (Lorenz-96)',
    description:
      'How far ahead can weather be forecast? Lorenz-96 is the atmosphere in miniature: 40 values round a ' +
      'circle of latitude, stirred by a forcing and damped by friction, and chaotic like the real thing. Each ' +
      'unit runs one of 1,000 ensemble members, started a millionth away from the control run, for 75 model ' +
      'days with fourth-order Runge–Kutta, and reports how far it drifts from the control. Watch the ' +
      'ensemble spread: tiny errors double every few days until the forecast knows nothing, the limit of ' +
      'predictability Lorenz found. Every volunteer gets exactly the same bytes, so results validate exactly.',
    descriptions: {
      zh:
        '天气能预报多远？Lorenz-96 是一个微缩的大气：沿一圈纬度排列的 40 个数值，受外力驱动、被摩擦阻尼，' +
        '像真实大气一样混沌。每个单元运行 1,000 个集合成员中的一个：从与控制运行相差百万分之一的状态出发，' +
        '用四阶龙格–库塔法积分 75 个模式日，并报告它偏离控制运行多远。看集合离散度如何增长：' +
        '微小误差每隔几天翻一倍，直到预报一无所知——这就是洛伦茨发现的可预报性极限。' +
        '每位志愿者算出的字节完全相同，因此结果可以精确验证。',
    },
    kernel: 'lorenz96.wasm',
    inputs: () =>
      Array.from({ length: ENSEMBLE.members }, (_, i) => {
        const { members: _members, ...input } = ENSEMBLE;
        return { ...input, member: i + 1 };
      }),
  },
  {
    id: 'alignment',
    picture: true,
    name: 'Genome read alignment (Smith–Waterman)',
    description:
      'Sequencing machines read DNA in short pieces; to use them, each read must be found in a reference ' +
      'genome despite the machine’s errors. Each unit aligns 48 reads of 150 letters against 2,000 letters of ' +
      'a reference with the Smith–Waterman algorithm and BLASTN’s scoring (match +2, mismatch −3, gaps 5 + 2 ' +
      'per letter), using your processor’s SIMD lanes where the browser has them. The genome and reads are ' +
      'generated for this demo (with repeats, microsatellites and sequencing errors, and a tenth of the reads ' +
      'from a contaminant that matches nowhere); watch the best hits and the score distribution build up.',
    descriptions: {
      zh:
        '测序仪把 DNA 读成一小段一小段；要用上它们，就得在参考基因组中找到每条读段，尽管仪器会出错。' +
        '每个单元用 Smith–Waterman 算法和 BLASTN 的打分（匹配 +2，错配 −3，空位 5 + 每个字母 2），' +
        '把 48 条 150 个字母的读段与 2,000 个字母的参考序列比对；浏览器支持时会用上你的处理器的 SIMD 通道。' +
        '基因组和读段是为本演示生成的（含重复序列、微卫星和测序错误，另有十分之一的读段来自一个哪里都对不上的污染源）；' +
        '看最佳匹配和得分分布逐渐形成。',
    },
    kernel: 'alignment.wasm',
    inputs: alignmentInputs,
  },
];
