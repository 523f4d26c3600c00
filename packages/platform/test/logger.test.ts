import { Writable } from 'node:stream';
import pino from 'pino';
import { redactPaths } from '../src';

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
