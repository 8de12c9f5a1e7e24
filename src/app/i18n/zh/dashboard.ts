import type { dashboard as en } from '../en/dashboard.js';

export const dashboard: Record<keyof typeof en, string> = {
  'dashboard.title': '项目面板 · Spare Cycles',
};
