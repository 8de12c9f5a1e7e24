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
};
