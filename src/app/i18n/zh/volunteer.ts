import type { volunteer as en } from '../en/volunteer.js';

export const volunteer: Record<keyof typeof en, string> = {
  'volunteer.title': 'Spare Cycles：把电脑的空闲算力借给科学',
};
