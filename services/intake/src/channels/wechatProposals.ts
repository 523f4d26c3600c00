// Proposals and supports through the WeChat official account (年度征集 in WeChat). An official
// account sees two things from a resident: messages they type and clicks on its custom menu. A menu
// click carries only the button's key, never the resident's words, so the menu button
// (EventKey `PROPOSALS`) answers how to take part, and the proposal itself is a text message that
// starts with a keyword — what residents already do with 查询 and 评价:
//   提议 <text>          → a proposal to the federation's cycle in solicitation (title = first sentence)
//   附议 P-XXXX-XXXX     → a support of that proposal
// The callback's signature (and safe mode's decryption) proves the sender's openid, so the openid
// is the identity: one support per openid per proposal, proposals per openid per day limited.
// WeChat retries a message it got no answer for with the same MsgId: the proposal's key is openid +
// MsgId (the same proposal), a support is unique per openid anyway, and the reply is remembered
// per message so a retry hears the same words.
import { CYCLE_PHASE_NAMES_ZH, MAX_CONTENT_LENGTH, type CycleState } from '@diandan/domain';
import { HttpError } from '@diandan/platform';
import type { ProposalDesk } from './proposalDesk';

/** The custom menu button (自定义菜单, type `click`) that explains the annual call. */
export const PROPOSALS_MENU_KEY = 'PROPOSALS';

export const PROPOSAL_REPLIES = {
  guide:
    '年度公开征集：发送“提议 您的建议”（例如：提议 社区开设四点半课堂，解决双职工家庭孩子放学无人看护的问题）即可提交提议；发送“附议 提议编号”（例如：附议 P-1A2B-3C4D）即可附议，每人每条提议计一次。',
  proposeFormat: '提议格式：提议 您的建议（例如：提议 社区开设四点半课堂，解决孩子放学无人看护的问题）。',
  supportFormat: '附议格式：附议 提议编号（例如：附议 P-1A2B-3C4D）。请核对编号是否抄写正确。',
  placed: (reference: string) => `您的提议已收到，编号 ${reference}。请勿在提议中留下电话、姓名等个人信息，公开时会隐去。邀请大家发送“附议 ${reference}”即可附议。`,
  supported: (reference: string, count: number) => `附议成功！提议 ${reference} 目前共有 ${count} 人附议。`,
  repeated: (reference: string, count: number) => `您已附议过提议 ${reference}（目前共有 ${count} 人附议），每人每条提议只计一次。`,
  notFound: (reference: string) => `没有找到提议 ${reference}，请核对编号。`,
  closed: (what: '提议' | '附议', phase: string) => `当前处于“${phase}”阶段，不受理${what}。`,
  noCycle: '目前没有进行中的年度征集。',
  tooMany: (what: '提议' | '附议') => `您今天的${what}次数已达上限，请明天再试。`,
  notOpen: (reference: string) => `提议 ${reference} 已结束附议。`,
  busy: '系统繁忙，请稍后重新发送。',
} as const;

export type WechatProposalCommand = { kind: 'propose'; text: string } | { kind: 'support'; reference: string } | { kind: 'malformed'; of: 'propose' | 'support' };

/**
 * "提议 …" / "附议 P-1A2B-3C4D" → the command; null: not one of these (the message is an order).
 * "提议一下…" or "附议是什么" are ordinary messages: the keyword must stand alone (space, colon or end).
 * References as people type them: lower case, spaces, a missing dash or P.
 */
export function parseProposalText(content: string): WechatProposalCommand | null {
  const head = /^(?:(提议)(?=$|[\s:：])|附议(?=$|[\s:：]|p))[\s:：]*/iu.exec(content);
  if (!head) return null;
  const rest = content.slice(head[0].length).trim();
  if (head[1] === '提议') return rest ? { kind: 'propose', text: rest.slice(0, MAX_CONTENT_LENGTH) } : { kind: 'malformed', of: 'propose' };
  const compact = rest.replace(/[\s\-－—]/g, '').toUpperCase();
  const match = /^P?([0-9A-F]{4})([0-9A-F]{4})$/.exec(compact);
  return match ? { kind: 'support', reference: `P-${match[1]}-${match[2]}` } : { kind: 'malformed', of: 'support' };
}

/** The title a typed proposal gets: its first sentence or line, at most 30 characters. */
export function titleOf(text: string): string {
  const first = text.split(/[\n。！？!?；;]/u).find((part) => part.trim() !== '')?.trim() ?? text;
  const chars = [...first];
  return chars.length > 30 ? `${chars.slice(0, 29).join('')}…` : first;
}

const phaseName = (details: unknown): string => {
  const phase = (details as { phase?: string } | undefined)?.phase;
  return phase ? (CYCLE_PHASE_NAMES_ZH[phase as CycleState] ?? phase) : '非征集';
};

/** The reply to a proposal command from openId (message msgId); refusals are answered in words, as WeChat needs. */
export async function answerProposalCommand(desk: ProposalDesk, command: WechatProposalCommand, openId: string, msgId: string | undefined): Promise<string> {
  if (command.kind === 'malformed') return command.of === 'propose' ? PROPOSAL_REPLIES.proposeFormat : PROPOSAL_REPLIES.supportFormat;
  const what = command.kind === 'propose' ? '提议' : '附议';
  try {
    const identity = desk.normalised({ kind: 'wechat', value: openId });
    if (command.kind === 'propose') {
      const { proposal } = await desk.submit({
        title: titleOf(command.text),
        content: command.text,
        channel: 'wechat',
        key: msgId ? `${identity.value}\n${msgId}` : undefined,
        submitterKey: desk.identityKeyOf(identity),
      });
      return PROPOSAL_REPLIES.placed(proposal.reference);
    }
    const result = await desk.addSupport(command.reference, identity, 'wechat', null);
    return (result.repeated ? PROPOSAL_REPLIES.repeated : PROPOSAL_REPLIES.supported)(result.proposal, result.supportCount);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    if (error.status === 400) return command.kind === 'propose' ? PROPOSAL_REPLIES.proposeFormat : PROPOSAL_REPLIES.supportFormat;
    if (error.status === 404) return PROPOSAL_REPLIES.notFound(command.kind === 'support' ? command.reference : '');
    if (error.status === 429) return PROPOSAL_REPLIES.tooMany(what);
    if (error.status === 409) {
      const details = error.details as { phase?: string; status?: string } | undefined;
      if (details?.status && command.kind === 'support') return PROPOSAL_REPLIES.notOpen(command.reference);
      return details?.phase ? PROPOSAL_REPLIES.closed(what, phaseName(details)) : PROPOSAL_REPLIES.noCycle;
    }
    throw error;
  }
}

/** The menu button's answer: the guide, with whether the federation's cycle takes proposals now. */
export async function proposalsGuide(desk: ProposalDesk): Promise<string> {
  const cycle = await desk.currentCycle();
  if (!cycle) return PROPOSAL_REPLIES.noCycle;
  if (cycle.phase !== 'solicitation') return `${PROPOSAL_REPLIES.closed('提议', CYCLE_PHASE_NAMES_ZH[cycle.phase as CycleState] ?? cycle.phase)}${PROPOSAL_REPLIES.guide}`;
  return PROPOSAL_REPLIES.guide;
}
