import type { common as en } from '../en/common.js';

export const common: Record<keyof typeof en, string> = {
  'nav.label': 'Spare Cycles',
  'nav.home': 'Spare Cycles',
  'nav.volunteer': '志愿者',
  'nav.dashboard': '项目面板',
  'nav.leaderboard': '排行榜',
  'language.label': '语言',
  'live.connecting': '正在连接…',
  'live.live': '实时',
  'live.reconnecting': '正在重新连接…',
  'shared.picture.title': '曼德博集合，由志愿者绘制',
  'shared.picture.empty': '还没有计算出任何图块',
  'shared.picture.progress': '已计算 {painted} / {total} 个图块',
  'shared.picture.label': '{title}：{progress}',
  'shared.picture.reconnecting': '（正在重新连接…）',
  'shared.picture.note': '每个图块是一个计算单元，服务器检验并接受其结果后立即绘制在这里。',
};
