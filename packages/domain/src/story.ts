import type { LifecycleEventType } from './events';
import { isAllowed, TRANSITIONS, type OrderStatus, type Role } from './order';

/**
 * An order's story as people read it, from its lifecycle events: what the resident may see of it
 * (tracking), and whether the current stage has been urged (催办) — for the queue's flag and for
 * keeping a resident's urge to one per stage.
 */

/** Order statuses as residents and staff read them on screens. */
export const STATUS_LABELS_ZH: Readonly<Record<OrderStatus, string>> = {
  placed: '待派单',
  answered: '已答复',
  dispatched: '已派单，待签收',
  accepted: '已签收，待初步意见',
  in_progress: '办理中',
  bundled: '已打包立项，随项目办理',
  resolved: '已办结',
  awaiting_rating: '已办结，待评价',
  closed: '已办结',
  invalid: '已终止',
  merged: '已合并',
  withdrawn: '已撤回',
};

/** The fields of a lifecycle event this module reads; read-model rows and workflow events both fit. */
export interface StoryEvent {
  readonly seq: number;
  readonly type: LifecycleEventType | string;
  readonly at: Date | string;
  readonly actor?: { readonly role?: Role | string } | null;
  readonly data?: Readonly<Record<string, unknown>> | null;
  /** The unit holding the order after the event (lifecycle events carry it; read-model rows may not). */
  readonly unitId?: string | null;
}

/**
 * Events after which the order waits for somebody new or for something new: an urge before the
 * latest of them was about another stage. An urge never starts a stage.
 */
export const STAGE_STARTING_EVENTS: readonly LifecycleEventType[] = [
  'order.placed',
  'order.answered',
  'order.dispatched',
  'order.accepted',
  'order.opinion_given',
  'order.resolved',
  'order.returned',
  'order.escalated',
  'order.reopened',
  'order.rated',
  'order.closed',
  'order.invalidated',
  'order.merged',
  'order.unmerged',
  'order.withdrawn',
  'order.bundled',
];

export interface StageUrges {
  /** Urges (by anybody, or automatic at 80 %) since the current stage started. */
  readonly count: number;
  readonly byResident: boolean;
  /** The 80 % urge the workflow sends by itself. */
  readonly automatic: boolean;
  readonly lastAt: string | null;
}

const isoOf = (at: Date | string): string => (typeof at === 'string' ? at : at.toISOString());

/** Urges of the current stage, from the events in any order (sorted here by seq). */
export function urgesThisStage(events: readonly StoryEvent[]): StageUrges {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  let count = 0;
  let byResident = false;
  let automatic = false;
  let lastAt: string | null = null;
  for (const event of sorted) {
    if ((STAGE_STARTING_EVENTS as readonly string[]).includes(event.type)) {
      count = 0;
      byResident = false;
      automatic = false;
      lastAt = null;
    } else if (event.type === 'order.urged') {
      count += 1;
      if (event.actor?.role === 'resident') byResident = true;
      if (event.data?.automatic === true) automatic = true;
      lastAt = isoOf(event.at);
    }
  }
  return { count, byResident, automatic, lastAt };
}

/** One line of the resident's timeline: what happened, in Chinese, without staff ids or notes. */
export interface ResidentTimelineEntry {
  readonly seq: number;
  readonly type: LifecycleEventType;
  readonly at: string;
  readonly title: string;
  /** The unit's own words meant for the resident: answer, preliminary opinion, result. */
  readonly text?: string;
  readonly unitName?: string;
}

/** A file the unit sent with its result (fetched by the resident with the order's secret). */
export interface ResultPhoto {
  readonly id: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
}

/** The attachments a resolve carried: only well-formed entries (event data is untyped here). */
function photosOf(value: unknown): ResultPhoto[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((a: Record<string, unknown>) =>
    a && typeof a.id === 'string' && typeof a.fileName === 'string' && typeof a.contentType === 'string' && typeof a.size === 'number'
      ? [{ id: a.id, fileName: a.fileName, contentType: a.contentType, size: a.size }]
      : [],
  );
}

export interface ResidentStory {
  readonly timeline: readonly ResidentTimelineEntry[];
  /** 初步意见 of the unit now (or last) handling the order. */
  readonly opinion: { readonly text: string; readonly at: string; readonly unitName?: string } | null;
  /** 办理结果 or 即接即办's answer: what the resident is asked to rate, with the unit's result photos. */
  readonly result: { readonly text: string; readonly at: string; readonly unitName?: string; readonly photos?: readonly ResultPhoto[] } | null;
  readonly urges: StageUrges;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

const RATING_WORDS: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' };

/**
 * Titles of the events a resident sees. Events left out are internal: supervision alerts,
 * buck-passing flags, accountability records and callback flags concern staff, and the reasons
 * staff give for a return, an escalation or an invalid mark are their notes, not the resident's.
 */
function titleOf(event: StoryEvent, unitName: string | undefined): string | null {
  const data = event.data ?? {};
  switch (event.type) {
    case 'order.placed':
      return '诉求已提交';
    case 'order.dispatched':
      return unitName ? `已派往${unitName}办理` : '已派单';
    case 'order.accepted':
      return unitName ? `${unitName}已签收` : '承办单位已签收';
    case 'order.opinion_given':
      return '承办单位给出初步意见';
    case 'order.resolved':
      return typeof data.viaTrackingCode === 'string' ? `合并办理的工单（查询码 ${data.viaTrackingCode}）已办结，请您评价` : '承办单位已办结，请您评价';
    case 'order.answered':
      return '已即时答复，请您评价';
    case 'order.returned':
      return '承办单位退回，正在重新派单';
    case 'order.escalated':
      return data.trigger === 'deadline'
        ? `办理超时，已自动提交上级${unitName ? `（${unitName}）` : ''}办理`
        : `已提交上级${unitName ? `（${unitName}）` : ''}办理`;
    case 'order.urged':
      if (event.actor?.role === 'resident') return '您已催办';
      return data.automatic === true ? '系统已催办承办单位' : '工作人员已催办承办单位';
    case 'order.rated':
      return `您的评价：${RATING_WORDS[String(data.rating)] ?? '已评价'}`;
    case 'order.reopened':
      return data.toQueue === true ? '已重新受理，正在派单' : `已重新派往${unitName ? unitName : '上一级单位'}办理`;
    case 'order.closed':
      return data.outcome === 'unrated' ? '评价期已过，本单已办结（将有工作人员回访）' : '本单已办结';
    case 'order.invalidated':
      return '经核实不属于受理范围，本单已终止';
    case 'order.merged':
      return typeof data.intoTrackingCode === 'string' ? `与相同诉求合并，由工单（查询码 ${data.intoTrackingCode}）统一办理` : '与相同诉求合并办理';
    case 'order.unmerged':
      return '已取消合并，您的诉求单独办理，正在派单';
    case 'order.withdrawn':
      return '诉求已撤回';
    default:
      return null;
  }
}

/** The resident's view of an order's events: safe to show to whoever proved the secret. */
export function residentStory(events: readonly StoryEvent[], unitNames: ReadonlyMap<string, string> = new Map()): ResidentStory {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const timeline: ResidentTimelineEntry[] = [];
  let opinion: ResidentStory['opinion'] = null;
  let result: ResidentStory['result'] = null;
  let holder: string | undefined;
  for (const event of sorted) {
    const data = event.data ?? {};
    const unitId = text(event.unitId);
    const namedHere = text(data.unitName) ?? (unitId ? unitNames.get(unitId) : undefined);
    if (['order.dispatched', 'order.escalated', 'order.reopened'].includes(event.type)) holder = namedHere;
    if (event.type === 'order.returned') holder = undefined;
    const unitName = namedHere ?? holder;
    const title = titleOf(event, unitName);
    if (title === null) continue;
    const at = isoOf(event.at);
    const words = event.type === 'order.opinion_given' ? text(data.opinion) : event.type === 'order.resolved' ? text(data.result) : event.type === 'order.answered' ? text(data.answer) : undefined;
    if (event.type === 'order.opinion_given' && words) opinion = { text: words, at, ...(unitName ? { unitName } : {}) };
    if ((event.type === 'order.resolved' || event.type === 'order.answered') && words) {
      const photos = event.type === 'order.resolved' ? photosOf(data.attachments) : [];
      result = { text: words, at, ...(unitName ? { unitName } : {}), ...(photos.length > 0 ? { photos } : {}) };
    }
    // A reopened order starts over: the old opinion and result no longer describe the work.
    if (event.type === 'order.reopened' || event.type === 'order.returned' || event.type === 'order.escalated') {
      opinion = null;
      result = null;
    }
    timeline.push({
      seq: event.seq,
      type: event.type as LifecycleEventType,
      at,
      title,
      ...(words ? { text: words } : {}),
      ...(unitName && event.type !== 'order.placed' ? { unitName } : {}),
    });
  }
  return { timeline, opinion, result, urges: urgesThisStage(events) };
}

/**
 * What a resident who proved the order's secret may do now: the transition table and the role
 * table agree, and a stage is urged by its resident once (a second tap, or a retry, adds nothing).
 */
export function residentCommands(status: OrderStatus, urges: Pick<StageUrges, 'byResident'>): Array<'rate' | 'urge' | 'withdraw'> {
  const possible = (['rate', 'urge', 'withdraw'] as const).filter((command) => TRANSITIONS[status].includes(command) && isAllowed('resident', command));
  return urges.byResident ? possible.filter((command) => command !== 'urge') : possible;
}
