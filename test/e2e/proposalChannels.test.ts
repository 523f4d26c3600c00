// The annual call's other channels, on the real servers and through intake only: proposals and
// supports by WeChat (the callback proves the openid; retries of one MsgId are one proposal and one
// support), proposals by letter and by hotline (an operator enters them, one per letter number or
// call id, scrubbed on every public page), supports proven by a one-time code sent by SMS (Alibaba Cloud's SDK against the
// local stand-in, which the test reads as a resident reads the phone), and the refusals: wrong
// keyword format, unknown reference, wrong code, the limits per person and per address, and the
// closed solicitation.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findPersonalNumber } from '@diandan/domain';
import { listen } from '@diandan/platform';
import { createStandIns, type ReceivedMessage } from '../../services/feedback/src/standins';
import { aliyunSmsCodeSender, combineCodeSenders } from '../../services/intake/src/channels/codeSenders';
import { currentCycleSchema, hotlineProposalPlacedSchema, letterProposalPlacedSchema, publicProposalSchema, supportCodeSentSchema, supportResultSchema } from '../../services/intake/src/channels/proposalOpenApi';
import { PROPOSAL_REPLIES } from '../../services/intake/src/channels/wechatProposals';
import { wechatSignature } from '../../services/intake/src/channels/wechatCrypto';
import { startPlatform, type Platform } from './platform';

const OPERATOR = { Authorization: 'Bearer e2e-channels-operator-token-0123456789' };
const ORG = 'trade-union';
const SMS_KEY_ID = 'LTAIe2estandin000001';
const FLOW_CONTROLLED = '13300133000';
const emailCodes = new Map<string, string>();
let p: Platform;
let standIns: { server: Server; received: ReceivedMessage[] };

beforeAll(async () => {
  // The SMS provider's local stand-in (services/feedback's), which keeps what it was sent.
  const { app, received } = createStandIns({
    wechatAppId: 'wx-e2e',
    wechatAppSecret: 'e2e-wechat-app-secret',
    smsAccessKeyId: SMS_KEY_ID,
    // The provider's flow control for one number: the code is not sent.
    smsAnswer: (phone) => (phone === FLOW_CONTROLLED ? 'isv.BUSINESS_LIMIT_CONTROL' : undefined),
  });
  standIns = { server: await listen(app, 0, '127.0.0.1'), received };
  const sms = aliyunSmsCodeSender({
    endpoint: `127.0.0.1:${(standIns.server.address() as AddressInfo).port}`,
    protocol: 'http',
    accessKeyId: SMS_KEY_ID,
    accessKeySecret: 'e2e-sms-access-key-secret-0123456789',
    signName: '点单',
    templateCode: 'SMS_E2E_CODE',
  });
  p = await startPlatform('channels', {
    operatorTokens: [OPERATOR.Authorization.slice('Bearer '.length)],
    codeSender: combineCodeSenders({ kinds: ['email'], send: async (identity, code) => void emailCodes.set(identity.value, code) }, sms),
    // Small enough to reach: three supports a day per person, five an hour per address, three proposals a day per person, three codes an hour per number.
    // Eight codes an hour per client address (whatever the numbers: no SMS bombing).
    supportLimits: { perIdentityPerDay: 3, perAddressPerHour: 5, proposalsPerDay: 3, codesPerHour: 3, codeAttempts: 3, codesPerAddressPerHour: 8 },
    proposalOrganisationId: ORG,
    // The address limit below counts this file's supports only (other files also call from 127.0.0.1).
    intakeSecretKey: 'e2e-proposal-channels-intake-secret-0123456789',
  });
}, 120_000);

afterAll(async () => {
  await p?.close();
  await new Promise((resolve) => standIns?.server.close(resolve));
});

const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const DAY = 86_400_000;

/** A WeChat text message as WeChat's servers post it (signed with the rig's token), and the reply's text. */
async function wechat(openId: string, msgId: string, content: string): Promise<string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomUUID().slice(0, 8);
  const query = new URLSearchParams({ signature: wechatSignature('e2e-token', timestamp, nonce), timestamp, nonce, openid: openId });
  const xml = `<xml><ToUserName><![CDATA[gh_diandan]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>1732700000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
  return replyText(await fetch(`${p.intake}/v1/wechat?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml }));
}

async function wechatClick(openId: string, key: string): Promise<string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomUUID().slice(0, 8);
  const query = new URLSearchParams({ signature: wechatSignature('e2e-token', timestamp, nonce), timestamp, nonce, openid: openId });
  const xml = `<xml><ToUserName>gh_diandan</ToUserName><FromUserName>${openId}</FromUserName><CreateTime>1732700000</CreateTime><MsgType>event</MsgType><Event>CLICK</Event><EventKey>${key}</EventKey></xml>`;
  return replyText(await fetch(`${p.intake}/v1/wechat?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml }));
}

async function replyText(response: Response): Promise<string> {
  const text = await response.text();
  expect(response.status).toBe(200);
  return /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(text)?.[1] ?? text;
}

/** What the letter and the WeChat proposal said about their senders: never on a public page. */
const PERSONAL = /李建国|王秀英|lijianguo|13812345678|139-8765-4321|13987654321|110101195003071234/;
const openIdOf = () => `o${randomUUID().replace(/-/g, '').slice(0, 27)}`;
const referenceIn = (reply: string) => /P-[0-9A-F]{4}-[0-9A-F]{4}/.exec(reply)?.[0];

describe('proposal channels: WeChat, letters, SMS codes', () => {
  it('proposalChannels.e2e: WeChat proposals and supports by openid, letters by number, supports by SMS code; idempotent, limited, scrubbed, closed with the phase', async () => {
    const admin = await p.login('admin');
    const dispatcher = await p.login('dispatcher');
    const year = 2093;
    const dates = { solicitation: at(-3600_000), selection: at(DAY), publication: at(2 * DAY), implementation: at(3 * DAY), midyear_review: at(4 * DAY), evaluation: at(5 * DAY), report: at(6 * DAY), closed: at(7 * DAY) };
    const started = await p.call(`${p.dispatch}/v1/cycles`, 'POST', { organisationId: ORG, year, dates }, admin);
    expect(started.status).toBe(201);
    const cycleId = started.body.cycleId as string;
    await p.eventually(async () => ((await p.call(`${p.dispatch}/v1/cycles/${cycleId}`, 'GET', undefined, dispatcher)).body?.phase === 'solicitation' ? true : undefined), 'the cycle in solicitation');

    // The resident page learns which codes can be sent here: e-mail and, with an SMS sender, phone.
    const current = currentCycleSchema.parse((await p.call(`${p.intake}/v1/cycles/current?organisationId=${ORG}`, 'GET')).body);
    expect(current).toMatchObject({ id: cycleId, takesProposals: true, supportCodeKinds: ['email', 'phone'] });

    // ── WeChat: the menu button explains; 提议 places a proposal, its MsgId retried three times is one proposal with one reply.
    expect(await wechatClick(openIdOf(), 'PROPOSALS')).toBe(PROPOSAL_REPLIES.guide);
    const w1 = openIdOf();
    const text = '提议 社区开设四点半课堂。双职工家庭孩子放学无人看护，联系人：王秀英 13812345678';
    const replies = await Promise.all([wechat(w1, '900000001', text), wechat(w1, '900000001', text), wechat(w1, '900000001', text)]);
    expect(new Set(replies).size).toBe(1);
    const p1 = referenceIn(replies[0]!)!;
    expect(replies[0]).toBe(PROPOSAL_REPLIES.placed(p1));
    expect(await wechat(w1, '900000001', text)).toBe(replies[0]);
    expect(await p.prisma.proposal.count({ where: { cycleId, channel: 'wechat' } })).toBe(1);
    const shown = publicProposalSchema.parse((await p.call(`${p.intake}/v1/proposals/${p1}`, 'GET')).body);
    expect(shown).toMatchObject({ title: '社区开设四点半课堂', cycleId, status: 'open', supportCount: 0 });
    expect(findPersonalNumber(shown.content)).toBeNull();
    expect(shown.content).not.toContain('王秀英');
    // Wrong formats and unknown references are answered in words (WeChat shows the resident only the reply).
    const w0 = openIdOf();
    expect(await wechat(w0, '900000002', '提议')).toBe(PROPOSAL_REPLIES.proposeFormat);
    expect(await wechat(w0, '900000003', '附议 P-12')).toBe(PROPOSAL_REPLIES.supportFormat);
    expect(await wechat(w0, '900000004', '附议 p 0000 0000')).toBe(PROPOSAL_REPLIES.notFound('P-0000-0000'));
    // "提议一下" is no keyword: an ordinary message, an order (its reply carries a tracking code).
    expect(await wechat(w0, '900000008', '提议一下楼道灯的事')).toContain('查询码');
    // Three proposals a day per openid: the fourth is refused by name.
    const p2 = referenceIn(await wechat(w1, '900000005', '提议 篮球场夜间照明：篮球场晚上太黑'))!;
    const p3 = referenceIn(await wechat(w1, '900000006', '提议 老年人智能手机培训'))!;
    expect(await wechat(w1, '900000007', '提议 再来一条')).toBe(PROPOSAL_REPLIES.tooMany('提议'));

    // ── WeChat supports: the openid is the identity; a retried MsgId hears the same reply and counts once.
    const a = openIdOf();
    const supportA = await Promise.all([wechat(a, '910000001', `附议 ${p1}`), wechat(a, '910000001', `附议 ${p1}`)]);
    expect(supportA).toEqual([PROPOSAL_REPLIES.supported(p1, 1), PROPOSAL_REPLIES.supported(p1, 1)]);
    expect(await wechat(a, '910000002', `附议${p1.toLowerCase()}`)).toBe(PROPOSAL_REPLIES.repeated(p1, 1));
    expect(await wechat(openIdOf(), '910000003', `附议 ${p1}`)).toBe(PROPOSAL_REPLIES.supported(p1, 2));
    expect(await p.prisma.proposalSupport.count({ where: { proposal: { reference: p1 }, channel: 'wechat' } })).toBe(2);

    // ── Letters: an operator enters them; one proposal per registration number; only the words, scrubbed publicly.
    const letter = (body: Record<string, unknown>, headers: Record<string, string> = OPERATOR) => p.call(`${p.intake}/v1/letters/proposals`, 'POST', body, headers);
    const letterBody = { letterId: `XF-${year}-0001`, title: '小区加装电梯', content: '来信人李建国，电话 139-8765-4321，身份证 110101195003071234，邮箱 lijianguo@example.com：老旧小区希望加装电梯。', categoryCode: 'after-school', areaId: 'jianxin-north' };
    expect((await letter(letterBody, {})).status).toBe(401);
    expect((await letter({ ...letterBody, letterId: '' })).status).toBe(400);
    expect((await letter({ ...letterBody, senderPhone: '13987654321' })).status).toBe(400);
    expect((await letter({ ...letterBody, letterId: `XF-${year}-0009`, areaId: 'nowhere' })).status).toBe(400);
    const entered = await letter(letterBody);
    expect(entered).toMatchObject({ status: 201, body: { repeated: false, letterId: letterBody.letterId, cycleId, status: 'open' } });
    letterProposalPlacedSchema.parse(entered.body);
    const l1 = entered.body.reference as string;
    expect(await letter({ ...letterBody, content: '同一封信再录一次' })).toMatchObject({ status: 200, body: { reference: l1, repeated: true } });
    expect(await p.prisma.proposal.count({ where: { cycleId, channel: 'letter' } })).toBe(1);
    const l2 = (await letter({ letterId: `XF-${year}-0002`, title: '社区食堂', content: '希望开办社区长者食堂' })).body.reference as string;
    // A hotline caller's proposal, typed by the agent: one per call id.
    const call = { callId: randomUUID(), title: '增设公交站', content: '来电人张明反映：希望在菜市场门口增设公交站' };
    expect((await p.call(`${p.intake}/v1/hotline/proposals`, 'POST', call)).status).toBe(401);
    const called = await p.call(`${p.intake}/v1/hotline/proposals`, 'POST', call, OPERATOR);
    expect(called).toMatchObject({ status: 201, body: { repeated: false, callId: call.callId } });
    expect(hotlineProposalPlacedSchema.parse(called.body).content).not.toContain('张明');
    expect(await p.call(`${p.intake}/v1/hotline/proposals`, 'POST', call, OPERATOR)).toMatchObject({ status: 200, body: { reference: called.body.reference, repeated: true } });
    const letterShown = publicProposalSchema.parse((await p.call(`${p.intake}/v1/proposals/${l1}`, 'GET')).body);
    expect(letterShown.content).toContain('老旧小区希望加装电梯');
    expect(findPersonalNumber(letterShown.content)).toBeNull();
    for (const body of [letterShown, (await p.call(`${p.intake}/v1/proposals?cycleId=${cycleId}`, 'GET')).body]) expect(JSON.stringify(body)).not.toMatch(PERSONAL);

    // ── SMS: a code to a mobile number (through the provider's SDK to the stand-in), read from the "phone".
    const smsCode = async (phone: string) => {
      const before = standIns.received.length;
      const sent = await p.call(`${p.intake}/v1/proposals/support-codes`, 'POST', { kind: 'phone', value: phone });
      expect(sent.status).toBe(202);
      supportCodeSentSchema.parse(sent.body);
      const message = standIns.received.slice(before).find((m) => m.channel === 'sms');
      expect(message).toMatchObject({ to: phone.replace(/[\s-]/g, '').replace(/^\+86/, ''), body: { signName: '点单', templateCode: 'SMS_E2E_CODE' } });
      return String((message!.body as { params: { code: string } }).params.code);
    };
    const byPhone = (reference: string, phone: string, code: string) => p.call(`${p.intake}/v1/proposals/${reference}/supports`, 'POST', { identity: { kind: 'phone', value: phone }, code });
    expect((await p.call(`${p.intake}/v1/proposals/support-codes`, 'POST', { kind: 'phone', value: '12345' })).status).toBe(400);
    const c1 = await smsCode('+86 138-0013-8000');
    expect(c1).toMatch(/^\d{6}$/);
    const supported = await byPhone(p1, '13800138000', c1);
    expect(supported).toMatchObject({ status: 201, body: { proposal: p1, supportCount: 3, repeated: false } });
    supportResultSchema.parse(supported.body);
    expect(await byPhone(p1, '138 0013 8000', c1)).toMatchObject({ status: 200, body: { supportCount: 3, repeated: true } });
    expect(await byPhone(p2, '13800138000', c1 === '000000' ? '000001' : '000000')).toMatchObject({ status: 403, body: { error: { code: 'code_invalid' } } });
    expect((await byPhone(p2, '13800138001', c1)).status).toBe(403);
    expect(await byPhone('P-0000-0000', '13800138000', c1)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    // The same number by the hotline is the same person: counted once.
    const hotline = await p.call(`${p.intake}/v1/hotline/proposals/${p1}/supports`, 'POST', { callId: randomUUID(), callerNumber: '13800138000' }, OPERATOR);
    expect(hotline).toMatchObject({ status: 200, body: { supportCount: 3, repeated: true } });
    // Three supports a day per person: the fourth by this number is refused by name.
    expect((await byPhone(p2, '13800138000', c1)).status).toBe(201);
    expect((await byPhone(l1, '13800138000', c1)).status).toBe(201);
    expect(await byPhone(l2, '13800138000', c1)).toMatchObject({ status: 429, body: { error: { code: 'too_many_supports', message: expect.stringContaining('per person') } } });
    // Five supports an hour from one address (this test's): the sixth is refused, whoever proves it.
    const c2 = await smsCode('13900139000');
    expect((await byPhone(p1, '13900139000', c2)).status).toBe(201);
    expect((await byPhone(p2, '13900139000', c2)).status).toBe(201);
    expect(await byPhone(p3, '13900139000', c2)).toMatchObject({ status: 429, body: { error: { code: 'too_many_supports', message: expect.stringContaining('one address') } } });
    // Three codes an hour per number.
    for (let i = 0; i < 3; i++) await smsCode('13700137000');
    expect(await p.call(`${p.intake}/v1/proposals/support-codes`, 'POST', { kind: 'phone', value: '13700137000' })).toMatchObject({ status: 429, body: { error: { code: 'too_many_codes' } } });
    expect(standIns.received.filter((m) => m.to === '13700137000')).toHaveLength(3);
    // Three wrong tries use a code up: even the right one is refused then.
    // A code the provider did not take: 503, and it does not count against the hourly limit.
    for (let i = 0; i < 4; i++) {
      expect(await p.call(`${p.intake}/v1/proposals/support-codes`, 'POST', { kind: 'phone', value: FLOW_CONTROLLED })).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });
    }
    const c3 = await smsCode('13600137000');
    for (let i = 0; i < 3; i++) expect((await byPhone(p3, '13600137000', c3 === '111111' ? '222222' : '111111')).status).toBe(403);
    expect((await byPhone(p3, '13600137000', c3)).status).toBe(403);

    // ── Solicitation closes: the administrator brings selection forward; every channel says so.
    const moved = await p.call(`${p.dispatch}/v1/cycles/${cycleId}/dates`, 'POST', { boundary: 'selection', at: at(3000), reason: '征集提前结束' }, admin);
    expect(moved.status).toBe(200);
    await p.eventually(async () => ((await p.call(`${p.dispatch}/v1/cycles/${cycleId}`, 'GET', undefined, dispatcher)).body?.phase === 'selection' ? true : undefined), 'the cycle in selection', 30_000);
    expect(await wechat(openIdOf(), '920000001', '提议 晚到的提议')).toBe(PROPOSAL_REPLIES.closed('提议', '审议遴选'));
    expect(await wechat(openIdOf(), '920000002', `附议 ${p1}`)).toBe(PROPOSAL_REPLIES.closed('附议', '审议遴选'));
    expect(await wechatClick(openIdOf(), 'PROPOSALS')).toContain('审议遴选');
    expect(await letter({ letterId: `XF-${year}-0003`, title: '晚到的来信', content: '征集结束后才到的信' })).toMatchObject({ status: 409, body: { error: { code: 'illegal_transition' } } });
    // A letter entered before is still answered (the operator's retry loses nothing).
    expect(await letter(letterBody)).toMatchObject({ status: 200, body: { reference: l1, repeated: true } });
    const c4 = await smsCode('13500135000');
    expect(await byPhone(p3, '13500135000', c4)).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('selection') } } });

    // Codes per client address: seven were sent from here (the refused ones did not count); the eighth goes, the ninth not.
    await smsCode('13400134000');
    expect(await p.call(`${p.intake}/v1/proposals/support-codes`, 'POST', { kind: 'phone', value: '13400134001' })).toMatchObject({ status: 429, body: { error: { code: 'too_many_codes', message: expect.stringContaining('client address') } } });

    // The board's year page shows the proposals scrubbed too.
    const board = await p.call(`${p.feedback}/v1/board/cycles/${cycleId}`, 'GET');
    expect(board.status).toBe(200);
    const boardWords = JSON.stringify(board.body);
    expect(boardWords).toContain('小区加装电梯');
    expect(boardWords).not.toMatch(PERSONAL);
  }, 180_000);
});
