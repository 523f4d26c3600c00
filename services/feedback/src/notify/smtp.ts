// E-mail notices over SMTP (nodemailer). The notice id is the Message-ID, so a rare resend after
// a crash is recognisable as the same message.
import nodemailer, { type Transporter } from 'nodemailer';
import { PermanentNoticeError, type Notice, type Notifier } from './notifier';

export interface SmtpSettings {
  host: string;
  port: number;
  from: string;
  secure?: boolean;
  auth?: { user: string; pass: string };
}

export class SmtpNotifier implements Notifier {
  readonly channel = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    this.transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure ?? false,
      ...(settings.auth ? { auth: settings.auth } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(notice: Notice): Promise<void> {
    const domain = this.settings.from.split('@')[1] ?? 'localhost';
    try {
      await this.transport.sendMail({
        from: this.settings.from,
        to: notice.to,
        subject: notice.message.subject,
        text: notice.message.text,
        messageId: `<${notice.id.replace(/[^\w.#/-]/g, '_').replace(/\//g, '.')}@${domain}>`,
      });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx: the server refuses this message for good (unknown mailbox, rejected content).
      if (typeof code === 'number' && code >= 500) throw new PermanentNoticeError(`SMTP ${code}: ${(error as Error).message}`);
      throw error;
    }
  }

  close(): void {
    this.transport.close();
  }
}
