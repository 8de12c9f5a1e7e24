import type { dashboard as en } from '../en/dashboard.js';

export const dashboard: Record<keyof typeof en, string> = {
  'dashboard.title': '项目面板 · Spare Cycles',
  'dashboard.headline': '项目面板',
  'dashboard.lede': '志愿者处理你的项目和批次的实时情况：进度、吞吐量、结果质量，以及可下载的已验证结果。',
  'dashboard.updated': '更新于 {time}',
  'dashboard.signOut': '退出登录',
  'dashboard.tokenExpired': '服务器已不再接受你登录时使用的令牌。请粘贴一个当前有效的令牌。',
  'dashboard.loading': '正在加载你的项目…',
  'dashboard.noProjects': '还没有项目',
  'dashboard.noProjectsHow':
    '用 {create} 创建一个项目，用 {kernel} 添加内核，再用 {publish} 发布输入。项目一创建就会出现在这里。',

  'dashboard.signIn.title': '用发布者令牌登录',
  'dashboard.signIn.about': '即 {command} 打印出的令牌（以 {prefix} 开头）。演示服务器把它的令牌保存在 {file} 中。',
  'dashboard.signIn.label': '发布者令牌',
  'dashboard.signIn.submit': '登录',
  'dashboard.signIn.checking': '正在检查…',
  'dashboard.signIn.kept': '仅保存在此浏览器标签页中，关闭标签页或退出登录后即被忘记。',
  'dashboard.signIn.empty': '请先粘贴你的发布者令牌。',
  'dashboard.signIn.rejected': '服务器不接受此令牌。请检查，或用 `npx sparecycles token create` 创建一个新令牌。',
  'dashboard.signIn.unreachable': '无法连接服务器：{message}',
  'dashboard.signIn.status': '服务器返回 {status}。请稍后重试。',

  'dashboard.project.picture': '{name}：实时图像',
  'dashboard.project.noBatches': '还没有批次。用 {command} 发布一个。',
  'dashboard.counts':
    '共 {total} 个单元：已完成 {done}，验证中 {validating}，进行中 {inFlight}，未发送 {unsent}，出错 {error}',
  'dashboard.state.done': '已完成',
  'dashboard.state.validating': '验证中',
  'dashboard.state.inFlight': '进行中',
  'dashboard.state.unsent': '未发送',
  'dashboard.state.error': '出错',
  'dashboard.finished': '已结束 {percent}',

  'dashboard.batch.heading': '批次 {id}',
  'dashboard.batch.meta': '{units} 个单元 · 发布于 {when} · 内核 {kernel}',
  'dashboard.batch.complete': ' · 已全部完成',
  'dashboard.batch.cancelled': ' · 已取消',
  'dashboard.batch.volunteers': '活跃志愿者',
  'dashboard.batch.leases': '已发出的租约',
  'dashboard.batch.invalid': '无效结果',
  'dashboard.batch.errors': '内核错误',
  'dashboard.batch.download': '下载目前已验证的 {count} 个结果（按输入顺序）：',
  'dashboard.batch.nothingYet': '单元通过验证后即可下载结果。',
  'dashboard.batch.downloadAs': '下载 {format}',
  'dashboard.batch.downloadFailed': '无法下载结果：{message}',
  'dashboard.batch.resultsStatus': '服务器对 {batch} 的结果返回了 {status}。',

  'dashboard.chart.caption': '每 10 秒验证数，最近 30 分钟',
  'dashboard.chart.series': '每 10 秒验证数',
  'dashboard.chart.summary': '最近 30 分钟内验证了 {total} 个单元；单个 10 秒区间内最多 {peak} 个',
};
