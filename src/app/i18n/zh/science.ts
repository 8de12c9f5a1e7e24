import type { science as en } from '../en/science.js';

export const science: Record<keyof typeof en, string> = {
  'science.title': '目前的科学成果',
  'science.reconnecting': '（正在重新连接…）',

  'science.alignment.none': '还没有通过验证的单元',
  'science.alignment.summary': '已验证 {units} 个单元：检索了 {reads} 条读段，其中 {found} 条在参考序列中找到',
  'science.alignment.chart': '每条读段的最佳比对得分：{summary}',
  'science.alignment.axisStart': '得分 0',
  'science.alignment.axisEnd': '{score}（满分）',
  'science.alignment.note':
    '每根柱子按目前最佳得分统计读段数。来自基因组的读段得分接近满分 {score}，减去其测序错误；污染读段的得分停留在随机水平，位于左侧。',
  'science.alignment.hits': '目前的最佳匹配',
  'science.alignment.read': '读段',
  'science.alignment.score': '得分',
  'science.alignment.position': '参考序列位置',
  'science.alignment.readNumber': '第 {n} 条',
  'science.alignment.scoreOf': '{score} / {max}',

  'science.ensemble.none': '还没有通过验证的集合成员',
  'science.ensemble.summary': '已验证 {members} 个集合成员；与控制运行的距离中位数从 {start} 增长到 {end}',
  'science.ensemble.summaryLost':
    '已验证 {members} 个集合成员；与控制运行的距离中位数从 {start} 增长到 {end}，第 {day} 天时已达其一半',
  'science.ensemble.chart': '{title}：{summary}',
  'science.ensemble.noMembers': '还没有通过验证的成员',
  'science.ensemble.members': '已验证 {members, number} 个成员',
  'science.ensemble.waiting': '你的 {count} 个成员正在等待第二位志愿者核对',
  'science.ensemble.chartWaiting': '{label}；{waiting}，以虚线绘出',
  'science.ensemble.legend.validated': '已验证的成员',
  'science.ensemble.legend.waiting': '你的成员，等待核对',
  'science.ensemble.days': '模式日',
  'science.ensemble.distance': '与控制运行的距离',
  'science.ensemble.lowest': '最低',
  'science.ensemble.highest': '最高',
  'science.ensemble.median': '中位数',
  'science.ensemble.note':
    '每条细线是一个成员，从与控制运行相差百万分之一的状态出发；色带覆盖整个集合，橙色线是其中位数。',
  'science.ensemble.noteLost':
    '到第 {day} 天，典型成员与控制运行的距离已达两个毫不相关的天气状态之间距离的一半：预报已失去它对初始状态所知的大部分信息。',
};
