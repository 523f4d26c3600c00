import { Writable } from 'node:stream';
import pino from 'pino';
import { createLogger, redactDeep, redactPaths } from '../src';

describe('logging', () => {
  it('redaction: personal fields never reach the log in clear', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ redact: { paths: redactPaths, censor: '[redacted]' } }, sink);
    logger.info({ order: { contact: { name: '张三', phone: '13812345678' } }, phone: '13912345678', req: { headers: { authorization: 'Bearer x' } } }, 'placed');
    const text = lines.join('');
    expect(text).not.toMatch(/张三|13812345678|13912345678|Bearer/);
    expect(text).toContain('[redacted]');
  });
});

describe('logging at any depth', () => {
  it('redactionDeep: a phone, address or e-mail six objects down is redacted; the rest stays', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const same = createLogger('redact-test', 'info', sink);
    const deep = { a: { b: { c: { d: { e: { phone: '13812345678', email: 'zs@example.cn', address: '幸福路88号', keep: 'visible' } } } } } };
    const cyclic: Record<string, unknown> = { order: deep };
    cyclic.self = cyclic;
    same.info({ event: cyclic, list: [{ contact: { phone: '13900001111' } }] }, 'deep');
    const text = lines.join('');
    expect(text).not.toMatch(/13812345678|zs@example\.cn|幸福路88号|13900001111/);
    expect(text).toContain('visible');
    expect(redactDeep({ err: Object.assign(new Error('boom'), { to: 'zs@example.cn' }) })).toMatchObject({ err: { message: 'boom', to: '[redacted]' } });
  });
});
