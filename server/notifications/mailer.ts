// Sending one email: through SMTP when SMTP_URL is configured, else into the log (the Outbox page shows
// the same message), so a development setup works offline and nothing is silently dropped. In production
// the log gets only the recipient and subject.
import nodemailer from 'nodemailer';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';

export interface Message {
  id: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** 'smtp' hands messages to the server; 'log' writes them to the log (in production without the body) and leaves them on the Outbox page. */
  transport: 'smtp' | 'log';
  send(message: Message): Promise<void>;
}

export function createMailer(config: Config, logger: Logger): Mailer {
  const { smtpUrl, from } = config.mail;
  if (!smtpUrl) {
    // Emails can hold live secrets (portal sign-in links), and production logs are read by more people and
    // kept longer than the Outbox: there, the body stays on the Outbox page only.
    if (config.env === 'production') {
      logger.warn('SMTP_URL is not configured: emails (partner sign-in links included) are not sent; merchants see them on the Outbox page');
      return {
        transport: 'log',
        async send(m) {
          logger.warn({ notificationId: m.id, kind: m.kind, to: m.to, subject: m.subject }, 'email not sent: SMTP_URL is not configured (the message is on the Outbox page)');
        },
      };
    }
    return {
      transport: 'log',
      async send(m) {
        logger.info({ notificationId: m.id, kind: m.kind, to: m.to, subject: m.subject, text: m.text }, 'email not sent (no SMTP_URL configured): logged and shown on the Outbox page');
      },
    };
  }
  // Short timeouts: a slow mail server delays notifications, never a request or a sale.
  const transporter = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    transport: 'smtp',
    async send(m) {
      await transporter.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
      logger.info({ notificationId: m.id, kind: m.kind, to: m.to }, 'email sent');
    },
  };
}
