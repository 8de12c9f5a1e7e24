// 首次访问的自己成果的文字：图中自己的图块、缩放帧与图例，以及等待核对和已确认的计数。
import type { firstVisit as en } from '../en/first-visit.js';

export const firstVisit: Record<keyof typeof en, string> = {
  'picture.confirmed': '已确认 {confirmed} / {total} 个图块',
  'picture.zoom': '（放大 ×{zoom}）',
  'picture.waiting': '你的 {count} 个图块正在等待第二位志愿者核对',
  'picture.labelWaiting': '{label}，{waiting}',
  'picture.legend.confirmed': '已由第二位志愿者确认',
  'picture.legend.waiting': '你的图块，等待核对',
  'picture.strip': '缩放的前几帧',
  'picture.stripFrame': '放大 ×{zoom}：已确认 {confirmed} / {total} 个图块',
  'picture.noteOwn':
    '每个图块是一个计算单元，服务器检验并接受其结果后立即绘制在这里；你自己的图块会立即显示，在第二位志愿者核对一致之前呈淡色。',
  'generator.line': '工作生成器 {name}：已生成 {steps} 个批次，始终保持至少 {minUnsent} 个单元待发',
  'generator.moreBatches': '显示最新的 {shown} 个批次，共 {total} 个。',
  'own.stats.waiting': '等待核对',
  'own.stats.confirmed': '已确认',
};
