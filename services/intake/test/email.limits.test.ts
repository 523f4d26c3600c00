// SMTP limits while the mail streams in: an over-size message is cut off at the limit (its rest
// drained, not kept) and refused with 552; a sender gets a few messages per hour; a client address
// a few connections; AUTH and STARTTLS when configured.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { emailChannel, type EmailIntake, type EmailOptions } from '../src/channels/email';
import { followIntake, logger, unique, type RunningIntake } from '@diandan/testkit/intake';

const ADDRESS = 'limits@intake.example.cn';
let intake: RunningIntake;
let stop: () => Promise<void>;
const channels: EmailIntake[] = [];

beforeAll(async () => {
  ({ intake, stop } = await followIntake());
});
afterAll(async () => {
  await Promise.all(channels.map((c) => c.close()));
  await stop();
});

async function listening(options: Partial<EmailOptions> = {}): Promise<number> {
  const channel = emailChannel({ placer: intake.placer, attachments: intake.attachments, logger, address: ADDRESS, maxBytes: 64 * 1024, attachmentMaxBytes: 32 * 1024, ...options });
  channels.push(channel);
  return channel.listen(0, '127.0.0.1');
}

const transport = (port: number, extra: Record<string, unknown> = {}) =>
  nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, ...extra });
const mail = (from: string, text = '楼道灯坏了') => ({ from, to: ADDRESS, subject: '反映', text });

/** The server's first line on a new connection (its greeting or its refusal). */
function greeting(port: number): Promise<{ line: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('data', (data) => resolve({ line: data.toString(), socket }));
    socket.once('error', reject);
  });
}

describe('SMTP limits', () => {
  test('size.streamingCheck: a message far over the limit, sent without a SIZE hint, is refused with 552 and the listener keeps serving', async () => {
    const port = await listening();
    const big = 'x'.repeat(76) + '\r\n';
    await expect(
      transport(port).sendMail({ ...mail(`${unique('big')}@example.cn`), text: big.repeat(40_000) }), // ≈ 3 MB against 64 kB
    ).rejects.toThrow(/552/);
    await expect(transport(port).sendMail(mail(`${unique('small')}@example.cn`))).resolves.toMatchObject({ accepted: [ADDRESS] });
  });

  test('sender.rateCheck: past the hourly limit a sender gets 450 (its server retries later); another sender is served', async () => {
    const port = await listening({ messagesPerSenderPerHour: 2 });
    const sender = `${unique('busy')}@example.cn`;
    await transport(port).sendMail(mail(sender, '一'));
    await transport(port).sendMail(mail(sender, '二'));
    await expect(transport(port).sendMail(mail(sender, '三'))).rejects.toThrow(/450/);
    await expect(transport(port).sendMail(mail(`${unique('calm')}@example.cn`))).resolves.toMatchObject({ accepted: [ADDRESS] });
  });

  test('address.connectionCheck: past the limit of connections per address, the next one hears 421', async () => {
    const port = await listening({ maxConnectionsPerAddress: 2 });
    const open = [await greeting(port), await greeting(port)];
    expect(open.map((c) => c.line.slice(0, 3))).toEqual(['220', '220']);
    const third = await greeting(port);
    expect(third.line.slice(0, 3)).toBe('421');
    for (const c of [...open, third]) c.socket.destroy();
  });

  test('auth.requiredCheck: with AUTH configured, mail without credentials or with wrong ones is refused', async () => {
    const port = await listening({ auth: { user: 'relay', password: 'relay-password-0123456789' } });
    await expect(transport(port).sendMail(mail(`${unique('anon')}@example.cn`))).rejects.toThrow(/530|authentication/i);
    await expect(transport(port, { auth: { user: 'relay', pass: 'wrong-password-0123456789' } }).sendMail(mail(`${unique('bad')}@example.cn`))).rejects.toThrow(/535/);
    await expect(transport(port, { auth: { user: 'relay', pass: 'relay-password-0123456789' } }).sendMail(mail(`${unique('auth')}@example.cn`))).resolves.toMatchObject({
      accepted: [ADDRESS],
    });
  });

  test('starttls.upgradeCheck: with a certificate, STARTTLS is offered and AUTH happens only inside TLS', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diandan-smtp-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const tls = { key: fs.readFileSync(`${dir}/key.pem`), cert: fs.readFileSync(`${dir}/cert.pem`) };
    fs.rmSync(dir, { recursive: true, force: true });
    const port = await listening({ tls, auth: { user: 'relay', password: 'relay-password-0123456789' } });
    const credentials = { auth: { user: 'relay', pass: 'relay-password-0123456789' } };
    // Without TLS the server does not take the password at all.
    await expect(transport(port, credentials).sendMail(mail(`${unique('clear')}@example.cn`))).rejects.toThrow(/538|encryption|TLS/i);
    const secured = transport(port, { ...credentials, ignoreTLS: false, requireTLS: true, tls: { rejectUnauthorized: false } });
    await expect(secured.sendMail(mail(`${unique('tls')}@example.cn`))).resolves.toMatchObject({ accepted: [ADDRESS] });
  });
});
