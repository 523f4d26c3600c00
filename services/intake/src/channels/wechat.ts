// WeChat official account message callback (plaintext and safe mode). Every request is signed;
// XML is parsed without any DTD; a text becomes an order and gets a passive reply with its
// tracking code well within WeChat's 5 s. WeChat retries a message up to three times: the same
// MsgId gives the same order and a byte-identical reply. "评价 <code> 满意|基本满意|不满意 [意见]" rates an
// order through services/feedback (the sender's openid must be the order's contact there).
// "提议 …" and "附议 P-XXXX-XXXX" take part in the annual call for proposals (wechatProposals.ts).
import { MAX_CONTENT_LENGTH, parseTrackingCode, type Rating } from '@diandan/domain';
import { HttpError, refuseOversizeWhileStreaming, type Logger } from '@diandan/platform';
import express, { Router, type Request } from 'express';
import { MemoryStore, type Options as RateLimitOptions } from 'express-rate-limit';
import type { WechatRater, WechatRatingResult } from '../feedbackClient';
import type { OrderIdentities } from '../identity';
import { KafkaUnavailableError, type Placer } from '../placing';
import type { OrderTracker } from '../tracking';
import { buildCdataXml, parseXml, textOf } from '../xml';
import type { ProposalDesk } from './proposalDesk';
import { WechatCrypto, signatureMatches, wechatSignature } from './wechatCrypto';
import { answerProposalCommand, parseProposalText, PROPOSALS_MENU_KEY, proposalsGuide } from './wechatProposals';

export interface WechatOptions {
  token: string;
  appId: string;
  /** EncodingAESKey; empty = plaintext mode only. */
  aesKey: string;
  /** A request whose timestamp is further than this from our clock is refused (default 300 s): a captured request cannot be replayed later. */
  maxClockSkewSeconds?: number;
  /** Messages per openid and minute (default 10); more get SLOW_DOWN instead of an answer. */
  messagesPerOpenIdPerMinute?: number;
  placer: Placer;
  identities: OrderIdentities;
  tracker: OrderTracker;
  rater: WechatRater;
  logger: Logger;
  /** The annual call for proposals; absent: 提议/附议 messages are ordinary messages (orders). */
  proposals?: ProposalDesk;
}

export const WELCOME =
  '欢迎关注点单服务！直接发送文字留言即可“点单”，我们会回复查询码；发送“查询 查询码”（例如：查询 DD-7K3M-Q9TB）可查看办理进度。';
export const NOT_TEXT = '目前只受理文字留言，请用文字描述您的需求。';
export const BUSY = '系统繁忙，您的留言未能受理，请稍后重新发送。';
export const SLOW_DOWN = '您发送得太频繁了，这条留言未受理，请一分钟后再发送。';

export const RATING_WORDS: Record<string, Rating> = { 满意: 'satisfied', 基本满意: 'basically_satisfied', 不满意: 'dissatisfied' };
export const RATING_FORMAT = '评价格式：评价 查询码 满意/基本满意/不满意 [意见]，例如：评价 DD-7K3M-Q9TB 满意 处理很及时。请核对查询码是否抄写正确。';
export const RATING_REPLIES = {
  rated: (code: string) => `感谢评价！查询码 ${code} 已结单。`,
  reopened: (code: string) => `感谢评价。查询码 ${code} 的诉求已重新派往上一级单位办理，办结后会再请您评价。`,
  not_resolved: '订单尚未办结，暂不能评价。办结后我们会通知您。',
  closed: '该订单已评价或已关闭，不能再次评价。',
  not_found: '未找到您的订单，请核对查询码（只能评价用本微信号提交的订单）。',
  unavailable: '系统繁忙，请稍后再试。',
} as const;
/** The longest comment passed on (feedback's limit). */
const MAX_COMMENT_LENGTH = 1000;

export type ParsedRating = { code: string; rating: Rating; comment?: string } | 'malformed';

/**
 * "评价 DD-7K3M-Q9TB 不满意 一直没人联系我" → code, rating, comment. Codes as people type them (lower
 * case, spaces inside); any whitespace, full-width included. null: not a rating message at all
 * ("评价一下…" is an ordinary message and becomes an order).
 */
export function parseRatingText(content: string): ParsedRating | null {
  const head = /^评价(?=$|[\s:：]|dd)[\s:：]*/iu.exec(content);
  if (!head) return null;
  const rest = content.slice(head[0].length);
  const words = /\S+/gu;
  const codeParts: string[] = [];
  for (let word = words.exec(rest); word; word = words.exec(rest)) {
    const rating = RATING_WORDS[word[0]];
    if (rating) {
      const code = parseTrackingCode(codeParts.join(''));
      if (!code) return 'malformed';
      const comment = rest.slice(word.index + word[0].length).trim().slice(0, MAX_COMMENT_LENGTH);
      return comment ? { code, rating, comment } : { code, rating };
    }
    codeParts.push(word[0]);
    if (codeParts.length > 3) return 'malformed';
  }
  return 'malformed';
}

function ratingReply(result: WechatRatingResult): string {
  switch (result.kind) {
    case 'rated':
      return result.reopened ? RATING_REPLIES.reopened(result.trackingCode) : RATING_REPLIES.rated(result.trackingCode);
    default:
      return RATING_REPLIES[result.kind];
  }
}

/**
 * Replies by message, for a few minutes: WeChat retries a message it got no answer for (within
 * 15 s), and a retry of a rating that went through must not hear "already rated". In memory: one
 * intake process answers one retry sequence unless a load balancer spreads them (see docs/intake.md).
 */
export class ReplyCache {
  private readonly entries = new Map<string, { expires: number; reply: Promise<string> }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** The reply remembered under key, else compute's (shared by concurrent retries). */
  get(key: string, compute: () => Promise<string>): Promise<string> {
    const now = Date.now();
    const found = this.entries.get(key);
    if (found && found.expires > now) return found.reply;
    this.entries.delete(key);
    for (const [old, entry] of this.entries) {
      if (entry.expires > now && this.entries.size < this.maxEntries) break;
      this.entries.delete(old);
    }
    const reply = compute();
    this.entries.set(key, { expires: now + this.ttlMs, reply });
    // A failure is not an answer: the next retry computes again.
    reply.catch(() => this.entries.delete(key));
    return reply;
  }
}

const STATUS_LABELS: Record<string, string> = {
  placed: '已受理，等待分派',
  answered: '已即时答复',
  dispatched: '已派单',
  accepted: '承办单位已接单',
  in_progress: '办理中',
  resolved: '已办结',
  awaiting_rating: '已办结，等待评价',
  closed: '已结单',
  invalid: '无效诉求',
  merged: '已合并办理',
  withdrawn: '已撤回',
};

const query = (req: Request, name: string): string => (typeof req.query[name] === 'string' ? (req.query[name] as string) : '');

function element(xml: Record<string, unknown>): Record<string, unknown> {
  const root = xml.xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new HttpError(400, 'bad_request', 'expected an <xml> message');
  return root as Record<string, unknown>;
}

export function wechatChannel(options: WechatOptions): Router {
  const { token, placer, identities, tracker, rater, logger, proposals } = options;
  // Ratings and supports: a retry of a message that went through hears the same reply.
  const ratingReplies = new ReplyCache();
  const crypto = options.aesKey ? new WechatCrypto(options.aesKey, options.appId) : undefined;
  const router = Router();
  if (!token) {
    // No token, no way to tell WeChat's requests from anyone's: the channel is closed, and says why.
    router.all('/v1/wechat', () => {
      throw new HttpError(404, 'channel_closed', 'the WeChat channel is not configured on this server (WECHAT_TOKEN)');
    });
    return router;
  }

  const maxSkewMs = (options.maxClockSkewSeconds ?? 300) * 1000;
  const perOpenId = new MemoryStore();
  perOpenId.init({ windowMs: 60_000 } as RateLimitOptions);
  const messagesPerOpenId = options.messagesPerOpenIdPerMinute ?? 10;

  const checkSignature = (req: Request) => {
    if (!signatureMatches(req.query.signature, wechatSignature(token, query(req, 'timestamp'), query(req, 'nonce')))) {
      throw new HttpError(401, 'bad_signature', 'signature does not match');
    }
    // The signature covers the timestamp; a fresh timestamp is what makes a captured request useless later.
    const sentAt = Number(query(req, 'timestamp')) * 1000;
    if (!Number.isFinite(sentAt) || Math.abs(Date.now() - sentAt) > maxSkewMs) {
      throw new HttpError(401, 'stale_timestamp', `timestamp is more than ${maxSkewMs / 1000} s away from this server's clock`);
    }
  };

  router.get('/v1/wechat', (req, res) => {
    checkSignature(req);
    res.type('text/plain').send(query(req, 'echostr'));
  });

  async function answer(message: Record<string, unknown>): Promise<string> {
    const type = textOf(message.MsgType);
    const openId = textOf(message.FromUserName) ?? '';
    if (type === 'event') {
      const event = textOf(message.Event)?.toLowerCase();
      if (event === 'click' && proposals && textOf(message.EventKey) === PROPOSALS_MENU_KEY) return proposalsGuide(proposals);
      return event === 'subscribe' ? WELCOME : '';
    }
    if (type !== 'text') return NOT_TEXT;
    if (openId && (await perOpenId.increment(openId)).totalHits > messagesPerOpenId) return SLOW_DOWN;
    const content = (textOf(message.Content) ?? '').trim();
    const lookup = /^查询\s*(.*)$/s.exec(content);
    if (lookup) {
      const order = await tracker.statusOf(lookup[1] ?? '');
      return order ? `查询码 ${order.trackingCode}：${STATUS_LABELS[order.status] ?? order.status}。` : '没有找到这个查询码，请核对后再试（新的留言约一分钟后可查）。';
    }
    if (content === '') return '请用文字描述您的需求。';
    const msgId = textOf(message.MsgId);
    const proposalCommand = proposals ? parseProposalText(content) : null;
    if (proposals && proposalCommand) {
      if (!openId) return '请在公众号内发送。';
      const reply = () => answerProposalCommand(proposals, proposalCommand, openId, msgId);
      return msgId ? ratingReplies.get(`${openId}\n${msgId}`, reply) : reply();
    }
    const rating = parseRatingText(content);
    if (rating === 'malformed') return RATING_FORMAT;
    if (rating) {
      if (!openId) return RATING_REPLIES.not_found;
      const rate = async () => ratingReply(await rater.rate({ openId: openId.slice(0, 128), ...rating }));
      return msgId ? ratingReplies.get(`${openId}\n${msgId}`, rate) : rate();
    }
    try {
      const placed = await placer.place(
        { channel: 'wechat', content: content.slice(0, MAX_CONTENT_LENGTH), contact: { wechatOpenId: openId.slice(0, 128) || undefined } },
        placer.identify(msgId ? ['wechat', openId, msgId] : undefined),
      );
      return `您的留言已受理。查询码：${placed.trackingCode}，密钥：${placed.secret}（请妥善保存，用于查询和评价）。发送“查询 ${placed.trackingCode}”可查看进度。`;
    } catch (error) {
      if (error instanceof KafkaUnavailableError) return BUSY;
      throw error;
    }
  }

  router.post('/v1/wechat', refuseOversizeWhileStreaming('64kb'), express.text({ type: () => true, limit: '64kb' }), async (req, res) => {
    checkSignature(req);
    if (typeof req.body !== 'string') throw new HttpError(400, 'bad_request', 'expected an XML body');
    const timestamp = query(req, 'timestamp');
    const nonce = query(req, 'nonce');
    let message = element(parseXml(req.body));
    const safeMode = query(req, 'encrypt_type').toLowerCase() === 'aes';
    if (safeMode) {
      if (!crypto) throw new HttpError(400, 'bad_request', 'safe mode is not configured');
      const encrypted = textOf(message.Encrypt) ?? '';
      if (!signatureMatches(req.query.msg_signature, wechatSignature(token, timestamp, nonce, encrypted))) {
        throw new HttpError(401, 'bad_signature', 'msg_signature does not match');
      }
      let inner: string;
      try {
        inner = crypto.decrypt(encrypted);
      } catch {
        throw new HttpError(400, 'bad_request', 'Encrypt could not be decrypted');
      }
      message = element(parseXml(inner));
    }

    const content = await answer(message);
    if (content === '') {
      res.type('text/plain').send('success');
      return;
    }
    const reply = buildCdataXml('xml', {
      ToUserName: textOf(message.FromUserName) ?? '',
      FromUserName: textOf(message.ToUserName) ?? '',
      // The message's own time, not ours: a retried message gets the identical reply.
      CreateTime: Number(textOf(message.CreateTime)) || 0,
      MsgType: 'text',
      Content: content,
    });
    if (!crypto || !safeMode) {
      res.type('application/xml').send(reply);
      return;
    }
    const random = identities.bytes(16, 'wechat-reply', textOf(message.FromUserName) ?? '', textOf(message.MsgId) ?? textOf(message.CreateTime) ?? '');
    const encrypted = crypto.encrypt(reply, random);
    res.type('application/xml').send(
      buildCdataXml('xml', { Encrypt: encrypted, MsgSignature: wechatSignature(token, timestamp, nonce, encrypted), TimeStamp: Number(timestamp) || 0, Nonce: nonce }),
    );
    logger.debug({ safeMode }, 'wechat message answered');
  });
  return router;
}
