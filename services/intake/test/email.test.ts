// E-mail: a real SMTP client (nodemailer) → intake's SMTP listener → order on the topic, and the
// reply with the tracking code arrives at a local SMTP sink.
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { emailChannel, type EmailIntake } from '../src/channels/email';
import { followIntake, logger, PlacedEvents, PNG, type RunningIntake, unique } from '@diandan/testkit/intake';

const INTAKE_ADDRESS = 'dianddan-intake@jiangbei.example.cn';

describe('e-mail channel (SMTP)', () => {
  let intake: RunningIntake;
  let placed: PlacedEvents;
  let stop: () => Promise<void>;
  let email: EmailIntake;
  let smtpPort: number;
  let sink: SMTPServer;
  const replies: ParsedMail[] = [];

  beforeAll(async () => {
    ({ intake, placed, stop } = await followIntake());
    // Where our replies go: a local SMTP server standing in for the residents' mail servers.
    sink = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          replies.push(mail);
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const sinkPort = (sink.server.address() as AddressInfo).port;
    const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: sinkPort, secure: false, ignoreTLS: true });
    email = emailChannel({
      placer: intake.placer,
      attachments: intake.attachments,
      logger,
      mailer,
      address: INTAKE_ADDRESS,
      maxBytes: 200 * 1024,
      attachmentMaxBytes: 100 * 1024,
    });
    smtpPort = await email.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await email.close();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
    await stop();
  });

  const client = () => nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });

  it('mail.messageQueueCheck: a mail to the intake address becomes an e-mail order and the sender gets the tracking code back', async () => {
    const from = `${unique('resident')}@example.cn`;
    const messageId = `<${unique('msg')}@example.cn>`;
    const mail = {
      from,
      to: INTAKE_ADDRESS,
      subject: '反映问题',
      text: '小区门口的路面塌陷了，请尽快处理。',
      messageId,
      attachments: [
        { filename: 'road.png', content: PNG },
        { filename: 'card.vcf', content: 'BEGIN:VCARD' },
      ],
    };
    const info = await client().sendMail(mail);
    expect(info.accepted).toEqual([INTAKE_ADDRESS]);
    const [event] = await placed.waitFor((e) => e.contact?.email === from);
    expect(event).toEqual(expect.objectContaining({ channel: 'email', content: '反映问题\n\n小区门口的路面塌陷了，请尽快处理。' }));
    // The photo is kept; the business card is not a type we accept and is left out.
    expect(event!.attachments.map((a) => a.contentType)).toEqual(['image/png']);

    const end = Date.now() + 10_000;
    while (!replies.some((r) => r.text?.includes(event!.trackingCode)) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    const reply = replies.find((r) => r.text?.includes(event!.trackingCode));
    expect(reply?.inReplyTo).toBe(messageId);
    expect(reply?.headers.get('auto-submitted')).toBe('auto-replied');

    // The sending server retries the same message: the same order.
    await client().sendMail(mail);
    const events = await placed.waitFor((e) => e.contact?.email === from, 2);
    expect(events[1]!.orderId).toBe(events[0]!.orderId);
  });

  it('mail.rejectCheck: mail for another address is refused at RCPT TO and places nothing', async () => {
    const before = placed.events.length;
    await expect(client().sendMail({ from: 'a@example.cn', to: 'someone-else@example.cn', subject: 's', text: 't' })).rejects.toThrow(
      /550/,
    );
    expect(placed.events.length).toBe(before);
  });

  it('mail.limitCheck: a message over the size limit is refused with 552', async () => {
    await expect(
      client().sendMail({
        from: 'a@example.cn',
        to: INTAKE_ADDRESS,
        subject: 'big',
        text: 'x',
        attachments: [{ filename: 'big.bin', content: Buffer.alloc(300 * 1024) }],
      }),
    ).rejects.toThrow(/552/);
  });
});
