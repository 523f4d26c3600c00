// What a resident reads, per notice. Short: SMS and WeChat show the first line.
export const NOTICE_KINDS = ['placed', 'dispatched', 'resolved', 'rating_reminder'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface NoticeFacts {
  trackingCode: string;
  unitName?: string;
  dueAt?: string;
}

const day = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
const HOW_TO_RATE = '请凭查询码和密码在点单网页评价，或在公众号回复“评价 查询码 满意/基本满意/不满意”。';

export function messageFor(kind: NoticeKind, facts: NoticeFacts): { subject: string; text: string } {
  const code = facts.trackingCode;
  switch (kind) {
    case 'placed':
      return { subject: `【点单】已受理 ${code}`, text: `【点单】您的诉求已受理，查询码 ${code}。我们会尽快派单办理。` };
    case 'dispatched':
      return {
        subject: `【点单】已派单 ${code}`,
        text: `【点单】您的诉求 ${code} 已派至${facts.unitName ? `“${facts.unitName}”` : '承办单位'}办理。`,
      };
    case 'resolved':
      return { subject: `【点单】已办结，请评价 ${code}`, text: `【点单】您的诉求 ${code} 已办结。${HOW_TO_RATE}` };
    case 'rating_reminder':
      return {
        subject: `【点单】评价即将截止 ${code}`,
        text: `【点单】您的诉求 ${code} 评价将于 ${facts.dueAt ? day(facts.dueAt) : '近期'} 截止。${HOW_TO_RATE}`,
      };
  }
}
