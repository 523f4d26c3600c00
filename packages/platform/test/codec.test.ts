// The payload codec (AES-256-GCM, key ids for rotation) and its codec server's refusals.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DefaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, createCodecServer, createLogger, listen, parseCodecKeys, UnknownCodecKeyError, type CodecCaller } from '../src';

const converter = new DefaultPayloadConverter();
const key = (id: string, fill: number) => ({ id, key: Buffer.alloc(32, fill) });
const RESIDENT_TEXT = '幸福路88号 张三 工地老板拖欠三个月工资';

describe('AES-256-GCM payload codec', () => {
  it('codec.roundtripCheck: a payload comes back as it went in, and its bytes do not show the text', async () => {
    const codec = new AesGcmPayloadCodec([key('k1', 1)]);
    const payload = converter.toPayload({ content: RESIDENT_TEXT });
    const [encrypted] = await codec.encode([payload]);
    expect(Buffer.from(encrypted!.data!).toString('utf8')).not.toContain('幸福路');
    expect(Buffer.from(encrypted!.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(encrypted!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    const [decoded] = await codec.decode([encrypted!]);
    expect(converter.fromPayload(decoded!)).toEqual({ content: RESIDENT_TEXT });
  });

  it('codec.rotationCheck: after a new first key, old payloads still decode; new ones use the new key', async () => {
    const before = new AesGcmPayloadCodec([key('2026-01', 1)]);
    const [old] = await before.encode([converter.toPayload('旧工单')]);
    const after = new AesGcmPayloadCodec([key('2026-11', 2), key('2026-01', 1)]);
    expect(converter.fromPayload((await after.decode([old!]))[0]!)).toBe('旧工单');
    const [fresh] = await after.encode([converter.toPayload('新工单')]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('2026-11');
    await expect(before.decode([fresh!])).rejects.toThrow(UnknownCodecKeyError);
  });

  it('codec.tamperCheck: a changed byte is refused, and unencrypted payloads pass through', async () => {
    const codec = new AesGcmPayloadCodec([key('k1', 1)]);
    const [encrypted] = await codec.encode([converter.toPayload('x')]);
    const data = Buffer.from(encrypted!.data!);
    data[data.length - 20] = (data[data.length - 20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...encrypted!, data }])).rejects.toThrow();
    const plain = converter.toPayload('legacy');
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('codec.configCheck: keys are parsed by id, 32 bytes each, errors name the key and never show it', () => {
    expect(parseCodecKeys(`a:${Buffer.alloc(32, 1).toString('base64')}, b:${Buffer.alloc(32, 2).toString('base64')}`).map((k) => k.id)).toEqual(['a', 'b']);
    expect(() => parseCodecKeys('')).toThrow(/no key/);
    expect(() => parseCodecKeys(`short:${Buffer.alloc(16).toString('base64')}`)).toThrow(/key "short": must be 32 bytes/);
    expect(() => parseCodecKeys(Buffer.alloc(32).toString('base64'))).toThrow(/id:base64key/);
    const dup = `a:${Buffer.alloc(32).toString('base64')}`;
    expect(() => parseCodecKeys(`${dup},${dup}`)).toThrow(/appears twice/);
  });
});

describe('codec server', () => {
  const codec = new AesGcmPayloadCodec([key('k1', 3)]);
  const callers: Record<string, CodecCaller> = {
    'supervisor-token': { username: 'supervisor', role: 'supervisor' },
    'handler-token': { username: 'handler', role: 'unit_handler' },
  };
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = createCodecServer({
      codec,
      logger: createLogger('codec-test', 'silent'),
      uiOrigins: ['http://127.0.0.1:8233'],
      verifyToken: (token) => {
        const caller = callers[token];
        if (!caller) throw new Error('invalid');
        return caller;
      },
      login: async (username, password) => (username === 'supervisor' && password === 'right' ? 'supervisor-token' : null),
    });
    server = await listen(app, 0, '127.0.0.1');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const encrypted = async () => {
    const [p] = await codec.encode([converter.toPayload({ content: RESIDENT_TEXT })]);
    return {
      payloads: [{ metadata: Object.fromEntries(Object.entries(p!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(p!.data!).toString('base64') }],
    };
  };
  const decode = async (headers: Record<string, string>) =>
    fetch(`${url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(await encrypted()) });

  it('codecServer.authCheck: no token → 401, a role without district-wide view → 403, a supervisor reads the text', async () => {
    expect((await decode({})).status).toBe(401);
    expect((await decode({ authorization: 'Bearer forged' })).status).toBe(401);
    expect((await decode({ authorization: 'Bearer handler-token' })).status).toBe(403);
    const ok = await decode({ authorization: 'Bearer supervisor-token' });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { payloads: { data: string }[] };
    expect(Buffer.from(body.payloads[0]!.data, 'base64').toString('utf8')).toContain(RESIDENT_TEXT);
  });

  it('codecServer.sessionCheck: a login sets an HttpOnly SameSite cookie that the decode accepts; a wrong password gets none', async () => {
    const refused = await fetch(`${url}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'supervisor', password: 'wrong' }) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('set-cookie')).toBeNull();
    const session = await fetch(`${url}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'supervisor', password: 'right' }) });
    expect(session.status).toBe(200);
    const cookie = session.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^diandan_codec=supervisor-token; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect((await decode({ cookie: cookie.split(';')[0]! })).status).toBe(200);
  });

  it('codecServer.corsCheck: the Web UI origin may call with credentials; another origin gets no CORS grant', async () => {
    const ui = await fetch(`${url}/decode`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:8233', 'access-control-request-method': 'POST' } });
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    expect(ui.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await fetch(`${url}/decode`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
