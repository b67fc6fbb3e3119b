// Local stand-ins for the notification channels, reached by the real SDKs over loopback:
// a Slack Web API (the methods we call, refusing a wrong token or an unknown email/channel the
// way Slack does: HTTP 200 with ok:false), an SMTP server (smtp-server, with auth), and a webhook
// receiver that verifies Standard Webhooks signatures with the standardwebhooks package.
// Each can fail (`failNext`: answers for a while as an outage would) or hold (`holdNext`: takes
// the message, records it, and never answers: a worker killed mid-send).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

export const slackToken = 'xoxb-test-0123456789-notify';
export const smtpUser = 'lead-router';
export const smtpPassword = 'smtp-pass-0123456789';
export const webhookSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

interface Faults {
  /** The next n requests fail (Slack/webhook: HTTP 503; SMTP: 421 on DATA). */
  failing: number;
  /** The next n sends are recorded and never answered. */
  holding: number;
  /** The next n sends are refused for good (Slack: channel_not_found; webhook: 410). */
  refusing: number;
}
const faults = (): Faults => ({ failing: 0, holding: 0, refusing: 0 });

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface SlackMessage {
  channel: string;
  ts: string;
  text: string;
  notificationId: string | undefined;
}

export interface SlackStandin {
  url: string;
  messages: SlackMessage[];
  /** Every call by method, for "how often was it asked". */
  calls: string[];

  faults: Faults;
  close(): Promise<void>;
}

/** Users by email: id. */
export async function startSlackStandin(users: Record<string, string>, channels: string[] = []): Promise<SlackStandin> {
  const messages: SlackMessage[] = [];
  const calls: string[] = [];
  const f = faults();
  const dms = new Map<string, string>(); // user id -> DM channel id
  let clock = 1_700_000_000;
  const knownChannel = (c: string) => channels.includes(c) || [...dms.values()].includes(c);
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const method = (req.url ?? '')
      .replace(/^\/api\//, '')
      .replace(/^\//, '')
      .split('?')[0]!;
    const raw = await readBody(req);
    const args = Object.fromEntries(new URLSearchParams(raw));
    calls.push(method);
    const reply = (body: Record<string, unknown>, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (f.failing > 0) {
      f.failing--;
      return reply({ ok: false, error: 'service_unavailable' }, 503);
    }
    if (req.headers.authorization !== `Bearer ${slackToken}`) return reply({ ok: false, error: 'invalid_auth' });
    switch (method) {
      case 'users.lookupByEmail': {
        const id = users[String(args.email)];
        return id ? reply({ ok: true, user: { id } }) : reply({ ok: false, error: 'users_not_found' });
      }
      case 'conversations.open': {
        const user = String(args.users);
        if (!Object.values(users).includes(user)) return reply({ ok: false, error: 'user_not_found' });
        if (!dms.has(user)) dms.set(user, `D${user}`);
        return reply({ ok: true, channel: { id: dms.get(user) } });
      }
      case 'conversations.history': {
        const channel = String(args.channel);
        if (!knownChannel(channel)) return reply({ ok: false, error: 'channel_not_found' });
        const oldest = Number(args.oldest ?? 0);
        const withMeta = args.include_all_metadata === 'true';
        return reply({
          ok: true,
          messages: messages
            .filter((m) => m.channel === channel && Number(m.ts) >= oldest)
            .reverse()
            .map((m) => ({
              type: 'message',
              ts: m.ts,
              text: m.text,
              ...(withMeta &&
                m.notificationId && {
                  metadata: {
                    event_type: 'lead_router_notification',
                    event_payload: { notification_id: m.notificationId },
                  },
                }),
            })),
        });
      }
      case 'chat.postMessage': {
        const channel = String(args.channel);
        if (!knownChannel(channel)) return reply({ ok: false, error: 'channel_not_found' });
        if (!args.text) return reply({ ok: false, error: 'no_text' });
        if (f.refusing > 0) {
          f.refusing--;
          return reply({ ok: false, error: 'channel_not_found' });
        }
        const meta = args.metadata
          ? (JSON.parse(String(args.metadata)) as { event_payload?: { notification_id?: string } })
          : {};
        // Real ts values are seconds.micro; ours are after any `oldest` the client computes from real time.
        const ts = `${Math.max(++clock, Math.floor(Date.now() / 1000))}.000100`;
        messages.push({ channel, ts, text: String(args.text), notificationId: meta.event_payload?.notification_id });
        if (f.holding > 0) {
          f.holding--;
          return; // taken, never answered
        }
        return reply({ ok: true, channel, ts });
      }
      default:
        return reply({ ok: false, error: 'unknown_method' });
    }
  });
  const url = await listen(server);
  return { url: `${url}/api/`, messages, calls, faults: f, close: () => closeServer(server) };
}

export interface ReceivedMail {
  to: string[];
  messageId: string | undefined;
  subject: string | undefined;
  raw: string;
}

export interface SmtpStandin {
  url: string;
  mails: ReceivedMail[];
  faults: Faults;
  close(): Promise<void>;
}

export async function startSmtpStandin(): Promise<SmtpStandin> {
  const mails: ReceivedMail[] = [];
  const f = faults();
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === smtpUser && auth.password === smtpPassword) return cb(null, { user: auth.username });
      return cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (f.failing > 0) {
          f.failing--;
          return cb(Object.assign(new Error('Try again later'), { responseCode: 421 }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(raw)?.[1]?.trim();
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: header('Message-ID'),
          subject: header('Subject'),
          raw,
        });
        if (f.holding > 0) {
          f.holding--;
          return; // taken, never answered
        }
        cb(null);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    faults: f,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedWebhook {
  id: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
}

export interface WebhookReceiver {
  url: string;
  /** Deliveries whose signature verified (a receiver deduplicates them on `id`). */
  received: ReceivedWebhook[];
  /** Deliveries refused for their signature. */
  refused: number;
  faults: Faults;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret = webhookSecret): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const received: ReceivedWebhook[] = [];
  const f = faults();
  const state = { refused: 0 };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (f.failing > 0) {
      f.failing--;
      res.writeHead(503).end();
      return;
    }
    try {
      const parsed = verifier.verify(body, req.headers as Record<string, string>) as ReceivedWebhook['body'];
      received.push({ id: String(req.headers['webhook-id']), body: parsed });
    } catch {
      state.refused++;
      res.writeHead(401).end();
      return;
    }
    if (f.holding > 0) {
      f.holding--;
      return; // taken, never answered
    }
    res.writeHead(204).end();
  });
  const url = await listen(server);
  return {
    url: `${url}/hooks/lead-router`,
    received,
    get refused() {
      return state.refused;
    },
    faults: f,
    close: () => closeServer(server),
  };
}

/** Values seen once each: what a receiver deduplicating on them keeps. */
export const distinct = <T>(xs: readonly T[]) => [...new Set(xs)];
