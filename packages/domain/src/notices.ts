// What a resident hears, and when: the notices an event gives, and their Chinese text. Pure: the
// feedback service's outbox consumer plans with `noticesFor`, its sender renders with
// `noticeMessage`, and the notifiers (e-mail, WeChat, SMS) only carry what these return.
import { z } from 'zod';
import type { LifecycleEvent } from './events';

export const NOTICE_KINDS = [
  'placed',
  'dispatched',
  'redispatched',
  'accepted',
  'opinion',
  'escalated',
  'returned',
  'merged',
  'unmerged',
  'bundled',
  'resolved',
  'answered',
  'withdrawn',
  'invalid',
  'closed',
  'reopened',
  'rating_reminder',
  'project_progress',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const NOTICE_CHANNELS = ['email', 'wechat', 'sms'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

/** Facts a notice's text needs; only strings, so a planned notice is stored as plain JSON. */
export type NoticeData = Partial<Record<'unitName' | 'dueAt' | 'outcome' | 'intoTrackingCode' | 'projectName' | 'progress', string>>;

export interface PlannedNotice {
  kind: NoticeKind;
  data: NoticeData;
}

/** What the planner knows beyond the event: whether the order was returned (退单) before. */
export interface NoticeHistory {
  returnedBefore: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const clean = (data: Record<string, string | undefined>): NoticeData =>
  Object.fromEntries(Object.entries(data).filter((e): e is [string, string] => e[1] !== undefined));
const one = (kind: NoticeKind, data: Record<string, string | undefined> = {}): PlannedNotice[] => [{ kind, data: clean(data) }];

/**
 * The notices a lifecycle event gives the order's resident: every step they would want to know
 * about. Steps that concern staff only (urges between staff, buck-passing flags, supervisor
 * alerts, accountability records, a deadline escalation at district level that moves nothing) give none.
 */
export function noticesFor(event: LifecycleEvent, history: NoticeHistory = { returnedBefore: false }): PlannedNotice[] {
  switch (event.type) {
    case 'order.placed':
      return one('placed');
    case 'order.dispatched':
      return one(history.returnedBefore ? 'redispatched' : 'dispatched', { unitName: str(event.data.unitName) });
    case 'order.accepted':
      return one('accepted');
    case 'order.opinion_given':
      return one('opinion');
    case 'order.escalated':
      return one('escalated', { unitName: str(event.data.unitName) });
    case 'order.returned':
      return one('returned');
    case 'order.merged':
      return one('merged', { intoTrackingCode: str(event.data.intoTrackingCode) });
    case 'order.unmerged':
      return one('unmerged');
    case 'order.bundled':
      return one('bundled', { unitName: str(event.data.unitName) });
    case 'order.resolved':
      return one('resolved');
    case 'order.answered':
      return one('answered');
    case 'order.withdrawn':
      return one('withdrawn');
    case 'order.invalidated':
      return one('invalid');
    case 'order.closed':
      return one('closed', { outcome: event.data.outcome });
    case 'order.reopened':
      return one('reopened', { unitName: event.data.toQueue === true ? undefined : str(event.data.unitName) });
    case 'order.urged':
      // The workflow's own 80 % urge of the rating stage: the window is about to close.
      return event.data.stage === 'rating' && event.data.automatic === true ? one('rating_reminder', { dueAt: str(event.data.dueAt) }) : [];
    default:
      return [];
  }
}

export interface NoticeFacts extends NoticeData {
  trackingCode: string;
}

/**
 * One notice in the three shapes the channels need: a subject and full text (e-mail, WeChat
 * customer-service message), and short fields for templates (WeChat template messages and SMS
 * templates are approved in advance and filled with variables: `status` ≤ 20 characters, `next`
 * ≤ 20, which is WeChat's limit for a `thing` field; SMS variables allow 35).
 */
export interface NoticeMessage {
  subject: string;
  text: string;
  status: string;
  next: string;
}

const BRAND = '【点单】';
const HOW_TO_RATE = '请凭查询码和密码在点单网页评价，或在公众号回复“评价 查询码 满意/基本满意/不满意”。';
const chinaTime = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
const unit = (name: string | undefined): string => (name ? `“${name}”` : '承办单位');

/** status: what happened, short; next: what happens next, short; body: the sentence between. */
function render(code: string, status: string, body: string, next: string, longNext = next): NoticeMessage {
  return { subject: `${BRAND}${status} ${code}`, text: `${BRAND}您的诉求 ${code} ${body}${longNext}`, status, next };
}

export function noticeMessage(kind: NoticeKind, facts: NoticeFacts): NoticeMessage {
  const code = facts.trackingCode;
  switch (kind) {
    case 'placed':
      return render(code, '已受理', '已受理，请保存查询码。', '等待派单', '我们会尽快派单办理，可凭查询码查询进度。');
    case 'dispatched':
      return render(code, '已派单', `已派至${unit(facts.unitName)}办理。`, '等待单位签收', '承办单位将尽快签收并联系您。');
    case 'redispatched':
      return render(code, '已重新派单', `已重新派至${unit(facts.unitName)}办理。`, '等待单位签收', '新的承办单位将尽快签收并联系您。');
    case 'accepted':
      return render(code, '已签收', '已由承办单位签收。', '将给出初步意见', '承办单位将在一个工作日内给出初步意见。');
    case 'opinion':
      return render(code, '已有初步意见', '承办单位已给出初步意见，正在办理。', '办理中，办结后通知您', '可凭查询码查看意见；办结后我们会通知您。');
    case 'escalated':
      return render(code, '已升级办理', `已升级至${unit(facts.unitName)}协调办理。`, '上级单位接手办理', '上级单位将接手并尽快联系您。');
    case 'returned':
      return render(code, '已退回派单台', '被承办单位退回（不属其职责）。', '将重新派单', '联席会议将重新派给负责的单位，无需您再次提交。');
    case 'merged':
      return render(
        code,
        '已合并办理',
        `与其他居民反映的相同问题合并办理${facts.intoTrackingCode ? `（随 ${facts.intoTrackingCode} 一并办理）` : ''}。`,
        '合并后统一办结',
        '办结后您同样会收到通知并可评价。',
      );
    case 'unmerged':
      return render(code, '已取消合并', '不再随其他诉求合并办理，将单独派单办理。', '将重新派单', '无需您再次提交，办理进展会继续通知您。');
    case 'bundled':
      return render(code, '已纳入项目', `与同类诉求一起纳入项目，由${unit(facts.unitName)}统一办理。`, '项目完成后通知您', '项目的每一步进展都会通知您；项目完成时您的诉求一并办结，届时请评价。');
    case 'resolved':
      return render(code, '已办结', '已办结，请对办理结果评价。', '请评价', HOW_TO_RATE);
    case 'answered':
      return render(code, '已当场答复', '已当场答复，请对答复评价。', '请评价', HOW_TO_RATE);
    case 'withdrawn':
      return render(code, '已撤回', '已按您的要求撤回。', '不再办理', '如仍需办理，请重新点单。');
    case 'invalid':
      return render(code, '未予受理', '经核实不属于受理范围，未予受理。', '办理结束', '如有疑问，请致电服务热线。');
    case 'closed':
      return facts.outcome === 'unrated'
        ? render(code, '已结单', '评价期已过，已结单。', '可能电话回访', '我们可能电话回访您的意见。感谢您的参与。')
        : render(code, '已结单', '已结单，感谢您的评价。', '办理结束', '感谢您的参与。');
    case 'reopened':
      return render(code, '已重新办理', `因您不满意，已${facts.unitName ? `交由${unit(facts.unitName)}` : '退回派单台'}重新办理。`, '重新办理', '办结后我们会再次通知您评价。');
    case 'rating_reminder': {
      const until = facts.dueAt ? chinaTime(facts.dueAt) : '近期';
      return render(code, '评价即将截止', `评价将于 ${until} 截止。`, `${until}前评价`, HOW_TO_RATE);
    }
    case 'project_progress': {
      const project = facts.projectName ? `“${facts.projectName}”` : '所属项目';
      const progress = facts.progress ? `：${facts.progress}` : '有新进展';
      return render(code, '项目有新进展', `已纳入项目${project}统一办理，项目进展${progress}。`, '项目完成后通知您', '项目完成时您的诉求一并办结，届时请评价。');
    }
  }
}

/**
 * What the notices need of a project event (the projects.lifecycle topic, emitted by the project
 * workflow): which orders are linked, and how far the project got. Deliberately loose — only
 * these fields are read, whatever else the project contract carries — so that the project events
 * can grow without breaking the notices. An event that names no linked order gives no notice.
 */
const uuids = z.array(z.uuid()).max(10_000);
export const projectNoticeEventSchema = z
  .object({
    eventId: z.string().min(1).max(300),
    type: z.string().regex(/^project\./, 'a project event type starts with "project."'),
    at: z.iso.datetime({ offset: true }),
    orderIds: uuids.optional(),
    linkedOrderIds: uuids.optional(),
    data: z
      .object({
        name: z.string().max(200).optional(),
        title: z.string().max(200).optional(),
        progress: z.union([z.string().max(100), z.number()]).optional(),
        percent: z.number().optional(),
        milestone: z.string().max(200).optional(),
        orderIds: uuids.optional(),
        linkedOrderIds: uuids.optional(),
      })
      .loose()
      .default({}),
  })
  .loose();
export type ProjectNoticeEvent = z.infer<typeof projectNoticeEventSchema>;

/** Project events that change nothing a resident would notice. */
const QUIET_PROJECT_EVENTS = /(urged|warned|escalat|alert|accountab|reassign)/;

/** The linked orders of a project event, each with its project_progress notice (none for a quiet event). */
export function projectNotices(event: ProjectNoticeEvent): Array<{ orderId: string; notice: PlannedNotice }> {
  if (QUIET_PROJECT_EVENTS.test(event.type)) return [];
  const orders = new Set([...(event.orderIds ?? []), ...(event.linkedOrderIds ?? []), ...(event.data.orderIds ?? []), ...(event.data.linkedOrderIds ?? [])]);
  const percent = event.data.percent ?? (typeof event.data.progress === 'number' ? event.data.progress : undefined);
  const progress =
    typeof event.data.progress === 'string'
      ? event.data.progress
      : event.data.milestone !== undefined
        ? `完成“${event.data.milestone}”`
        : percent !== undefined
          ? `完成 ${Math.round(percent <= 1 ? percent * 100 : percent)}%`
          : /complete|finish|done/.test(event.type)
            ? '已完成'
            : /start/.test(event.type)
              ? '已启动'
              : undefined;
  const data = clean({ projectName: event.data.name ?? event.data.title, progress: progress?.slice(0, 30) });
  return [...orders].map((orderId) => ({ orderId, notice: { kind: 'project_progress', data } }));
}
