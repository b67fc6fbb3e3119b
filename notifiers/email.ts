// Email over SMTP with nodemailer. The Message-ID is the notification's id, so a message sent
// twice (a worker that died after the server took it, before we recorded that) is one message
// to every client that threads or deduplicates by Message-ID. SMTP itself cannot be asked
// "did you get this already?": docs/notifications.md says so.
import nodemailer from 'nodemailer';
import { errors } from '../src/errors.js';
import type { Delivery, Notifier, OutgoingNotification, SecretValue } from '../src/notify/index.js';

export interface EmailConfig {
  /** smtp://host:port or smtps://host:port, without credentials. */
  url: string;
  user?: string | undefined;
  password?: SecretValue | undefined;
  from: string;
  timeoutMs: number;
}

export const messageIdOf = (id: string, from: string) =>
  `<${id}@${from.split('@')[1]?.replace(/>.*$/, '') || 'lead-router'}>`;

export function createEmailNotifier(cfg: EmailConfig): Notifier {
  const url = new URL(cfg.url);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    ...(cfg.user && cfg.password ? { auth: { user: cfg.user, pass: cfg.password.reveal() } } : {}),
    connectionTimeout: cfg.timeoutMs,
    greetingTimeout: cfg.timeoutMs,
    socketTimeout: cfg.timeoutMs,
    // A local stand-in (and many internal relays) speaks plain SMTP; STARTTLS is used when offered.
    tls: { rejectUnauthorized: url.searchParams.get('tlsVerify') !== 'false' },
  });
  return {
    async send(n: OutgoingNotification): Promise<Delivery> {
      const messageId = messageIdOf(n.id, cfg.from);
      try {
        const info = await transport.sendMail({
          from: cfg.from,
          to: n.target,
          subject: n.subject,
          text: n.body,
          messageId,
          headers: { 'X-Lead-Router-Event': n.type },
        });
        return { messageId, response: info.response };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
  };
}

/** An SMTP 5xx refuses for good; 4xx, connection and auth failures are worth another try. */
export function classifySmtpError(err: unknown): Error {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const what = `smtp: ${e.responseCode ?? e.code ?? 'error'} ${e.message ?? ''}`.trim();
  return typeof e.responseCode === 'number' && e.responseCode >= 500 && e.code !== 'EAUTH'
    ? errors.notifyRejected(what)
    : errors.notifyTemporary(what);
}
