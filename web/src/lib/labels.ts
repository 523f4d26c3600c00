// What people read: order statuses, event types, levels, roles and ratings in Chinese and English.
// Keys are the domain's vocabulary (packages/domain); unknown keys fall back to the key itself.
export type Lang = 'zh' | 'en';

type Table = Record<string, { zh: string; en: string }>;

export const STATUS: Table = {
  placed: { zh: '待派单', en: 'Placed' },
  answered: { zh: '已即办', en: 'Answered' },
  dispatched: { zh: '待签收', en: 'Dispatched' },
  accepted: { zh: '已签收', en: 'Accepted' },
  in_progress: { zh: '办理中', en: 'In progress' },
  bundled: { zh: '已打包立项', en: 'In a project' },
  resolved: { zh: '已办结', en: 'Resolved' },
  awaiting_rating: { zh: '待评价', en: 'Awaiting rating' },
  closed: { zh: '已完成', en: 'Closed' },
  invalid: { zh: '无效单', en: 'Invalid' },
  merged: { zh: '已合并', en: 'Merged' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
};

export const EVENT: Table = {
  'order.placed': { zh: '群众点单', en: 'Placed' },
  'order.answered': { zh: '即接即办', en: 'Answered on the spot' },
  'order.dispatched': { zh: '派单', en: 'Dispatched' },
  'order.accepted': { zh: '签收', en: 'Accepted' },
  'order.opinion_given': { zh: '初步意见', en: 'Preliminary opinion' },
  'order.resolved': { zh: '办结', en: 'Resolved' },
  'order.returned': { zh: '退单', en: 'Returned' },
  'order.escalated': { zh: '上报升级', en: 'Escalated' },
  'order.urged': { zh: '催办', en: 'Urged' },
  'order.rated': { zh: '评价', en: 'Rated' },
  'order.closed': { zh: '完成', en: 'Closed' },
  'order.merged': { zh: '合并', en: 'Merged' },
  'order.unmerged': { zh: '取消合并', en: 'Un-merged' },
  'order.duplicate_linked': { zh: '并入重复诉求', en: 'Duplicate merged in' },
  'order.duplicate_unlinked': { zh: '移出重复诉求', en: 'Duplicate un-merged' },
  'order.invalidated': { zh: '无效', en: 'Marked invalid' },
  'order.withdrawn': { zh: '撤回', en: 'Withdrawn' },
  'order.reopened': { zh: '重新办理', en: 'Reopened' },
  'order.supervisor_alerted': { zh: '督办提醒', en: 'Supervisor alerted' },
  'order.callback_flagged': { zh: '回访存疑', en: 'Callback flagged' },
  'order.bundled': { zh: '打包立项', en: 'Bundled into a project' },
  'order.buck_passing_flagged': { zh: '扯皮推诿预警', en: 'Buck-passing flagged' },
  'order.accountability_recorded': { zh: '追责记录', en: 'Accountability recorded' },
};

export const LEVEL: Table = {
  community: { zh: '社区', en: 'Community' },
  street: { zh: '街道', en: 'Street' },
  district: { zh: '区级', en: 'District' },
};

export const ROLE: Table = {
  operator: { zh: '话务员', en: 'Operator' },
  dispatcher: { zh: '派单员', en: 'Dispatcher' },
  unit_handler: { zh: '承办单位', en: 'Unit clerk' },
  street_officer: { zh: '街道干部', en: 'Street officer' },
  district_officer: { zh: '区级干部', en: 'District officer' },
  supervisor: { zh: '督办', en: 'Supervisor' },
  evaluator: { zh: '评估员', en: 'Evaluator' },
  admin: { zh: '管理员', en: 'Administrator' },
};

export const RATING: Table = {
  satisfied: { zh: '满意', en: 'Satisfied' },
  basically_satisfied: { zh: '基本满意', en: 'Basically satisfied' },
  dissatisfied: { zh: '不满意', en: 'Dissatisfied' },
};

export const PRIORITY: Table = {
  normal: { zh: '普通', en: 'Normal' },
  urgent: { zh: '紧急', en: 'Urgent' },
};

/** The annual cycle's phases (packages/domain CYCLE_PHASE_NAMES_ZH) and the status of a proposal. */
export const PHASE: Table = {
  planned: { zh: '未开始', en: 'Not started' },
  solicitation: { zh: '公开征集', en: 'Solicitation' },
  selection: { zh: '审议遴选', en: 'Selection' },
  publication: { zh: '公布服务清单', en: 'Publication' },
  implementation: { zh: '组织实施', en: 'Implementation' },
  midyear_review: { zh: '年中评估', en: 'Mid-year review' },
  evaluation: { zh: '年底第三方评估', en: 'Year-end evaluation' },
  report: { zh: '年度报告公开', en: 'Annual report' },
  closed: { zh: '已结束', en: 'Closed' },
};

export const PROPOSAL_STATUS: Table = {
  open: { zh: '征集中', en: 'Open' },
  accepted: { zh: '已采纳', en: 'Accepted' },
  declined: { zh: '未采纳', en: 'Declined' },
  merged: { zh: '已合并', en: 'Merged' },
};

export function label(table: Table, key: string | null | undefined, lang: Lang = 'zh'): string {
  if (!key) return '—';
  return table[key]?.[lang] ?? key;
}
