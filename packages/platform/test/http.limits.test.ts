// The HTTP edge every service shares: loopback by default, X-Forwarded-For believed only from a
// configured proxy, bodies refused at their limit while they stream, slow requests cut off in
// seconds, and text that is not text (NUL, lone surrogates) refused with the field's name.
import { rateLimit } from 'express-rate-limit';
import type { Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { createHttpApp, createLogger, finishHttpApp, listen, trustProxySetting, type ListenOptions } from '../src';

const logger = createLogger('http-limits-test', 'silent');
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(options: ListenOptions = {}, host?: string): Promise<{ url: string; port: number; server: Server }> {
  const app = createHttpApp({ name: 'limits', logger, jsonLimit: '1kb' });
  app.get('/ip', (req, res) => {
    res.json({ ip: req.ip });
  });
  app.post('/echo', (req, res) => {
    res.json({ got: req.body });
  });
  app.get('/limited', rateLimit({ windowMs: 60_000, limit: 3, validate: { xForwardedForHeader: false } }), (_req, res) => {
    res.json({ ok: true });
  });
  finishHttpApp(app, logger);
  const server = await listen(app, 0, host, options);
  servers.push(server);
  const { port, address } = server.address() as AddressInfo;
  return { url: `http://${address}:${port}`, port, server };
}

/** Sends raw bytes and resolves with everything the server answers until it closes the connection. */
function raw(port: number, write: (socket: net.Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => write(socket));
    let answer = '';
    socket.on('data', (data) => (answer += data.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('HTTP edge', () => {
  test('listen.loopbackCheck: without a host, a service listens on 127.0.0.1 only', async () => {
    const { server } = await serve();
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  test('trustProxy.defaultCheck: X-Forwarded-For is ignored, so a client cannot escape the per-address limit', async () => {
    const { url } = await serve();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${url}/limited`, { headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(await (await fetch(`${url}/ip`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).json()).toEqual({ ip: '127.0.0.1' });
  });

  test('trustProxy.configuredCheck: with TRUST_PROXY naming the proxy, the client address comes from it', async () => {
    const { url } = await serve({ trustProxy: 'loopback' });
    expect(await (await fetch(`${url}/ip`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).json()).toEqual({ ip: '203.0.113.9' });
    expect(trustProxySetting('')).toBe(false);
    expect(trustProxySetting(' 2 ')).toBe(2);
    expect(trustProxySetting('10.0.0.0/8, loopback')).toEqual(['10.0.0.0/8', 'loopback']);
  });

  test('body.streamingLimitCheck: a chunked body is refused with 413 once it passes the limit, before it ends', async () => {
    const { port } = await serve();
    const answer = await raw(port, (socket) => {
      socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
      const chunk = `{"a":"${'x'.repeat(4000)}`;
      socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      // The body never ends: only the limit can produce an answer.
    });
    expect(answer).toMatch(/^HTTP\/1.1 413/);
    expect(answer).toContain('payload_too_large');
  });

  test('request.slowBodyCheck: a body that stalls is answered 408 and its connection closed', async () => {
    const { port } = await serve({ requestTimeoutMs: 1_500 });
    const answer = await raw(port, (socket) => {
      socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":');
    });
    expect(answer).toMatch(/^HTTP\/1.1 408/);
  });

  test.each([
    ['a NUL in the body', { body: JSON.stringify({ name: 'a\u0000b' }) }, 'body.name'],
    ['a lone surrogate in the body', { body: '{"list":["ok","\\ud800"]}' }, 'body.list.1'],
    ['a NUL in a key', { body: '{"a\\u0000":1}' }, 'body.a\u0000'],
  ])('text.unrepresentableCheck(%s): 400 naming the field', async (_, init, field) => {
    const { url } = await serve();
    const res = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...init });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_characters');
    expect(body.error.message.startsWith(`${field}: `)).toBe(true);
  });

  test('text.unrepresentableQueryAndPathCheck: NUL in a query or a path segment is a 400, a valid astral character is not', async () => {
    const { url } = await serve();
    expect((await fetch(`${url}/ip?unit=a%00b`)).status).toBe(400);
    expect((await fetch(`${url}/ip%00`)).status).toBe(400);
    expect((await fetch(`${url}/ip?unit=${encodeURIComponent('😀点')}`)).status).toBe(200);
    const ok = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '😀 点单' }) });
    expect(await ok.json()).toEqual({ got: { name: '😀 点单' } });
  });
});
