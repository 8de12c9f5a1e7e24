import type { leaderboard as en } from '../en/leaderboard.js';

export const leaderboard: Record<keyof typeof en, string> = {
  'leaderboard.title': '排行榜 · Spare Cycles',
  'leaderboard.headline': '排行榜',
  'leaderboard.lede':
    '这里的每个人都以化名把电脑的空闲时间借给开放科学。每个经服务器与另一位志愿者的结果核对过的结果，获得固定积分。',
  'leaderboard.picture.title': '演示项目，一块一块绘制而成',
  'leaderboard.picture.invite': '想添上一块吗？{link}：点一下即可，无需安装。',
  'leaderboard.picture.link': '开始做志愿者',
  'leaderboard.totals.title': '所有项目合计',
  'leaderboard.totals.validated': '已验证单元',
  'leaderboard.totals.computing': '计算中',
  'leaderboard.totals.waiting': '等待中',
  'leaderboard.totals.projects': '项目',
  'leaderboard.loadError': '无法加载排行榜：{message}',
  'leaderboard.loading': '正在加载…',
  'leaderboard.rank': '名次',
  'leaderboard.volunteers.title': '志愿者',
  'leaderboard.volunteers.empty': '还没有通过验证的结果：第一位完成单元的志愿者将登上榜首。',
  'leaderboard.volunteers.name': '志愿者',
  'leaderboard.sites.title': '网站',
  'leaderboard.sites.empty': '还没有网站获得积分。嵌入小组件的网站按其访客获得的积分排名。',
  'leaderboard.sites.name': '网站',
  'leaderboard.column.credit': '积分',
  'leaderboard.column.validated': '已验证',
  'leaderboard.column.volunteers': '志愿者人数',
};
