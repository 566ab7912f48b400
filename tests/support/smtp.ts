// A real mail server for tests: smtp-server on 127.0.0.1 (port 0 unless
// given), every accepted message parsed with mailparser. It can refuse
// recipients, go down and come back on the same port, so tests see what a
// real SMTP server does rather than what a mock is told to say.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type ReceivedMail = {
  /** Envelope recipients, as the client sent RCPT TO. */
  to: string[];
  from: string;
  messageId: string | undefined;
  subject: string | undefined;
  text: string | undefined;
  html: string | false | undefined;
  /** Header names in lower case. */
  headers: Map<string, unknown>;
  raw: ParsedMail;
};

export type TestSmtp = {
  port: number;
  /** For SMTP_URL / mailTransport: smtp://127.0.0.1:<port>. */
  url: string;
  received: ReceivedMail[];
  errors: Error[];
  /** Addresses (lower case) answered 550 at RCPT TO. */
  refuse: Set<string>;
  /** Stops listening (connections are refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Resolves once `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
};

export type SmtpHooks = {
  /** Awaited at RCPT TO, before the server answers: a test can kill the client there (nothing received yet). */
  beforeRcpt?: (address: string) => Promise<void> | void;
  /**
   * Awaited once a message is received and recorded, before the server says
   * 250: killing the client here is a crash between "accepted" and "marked sent".
   */
  beforeAccept?: (mail: ReceivedMail) => Promise<void> | void;
};

export async function startSmtp(options: { port?: number; hooks?: SmtpHooks } = {}): Promise<TestSmtp> {
  const hooks = options.hooks ?? {};
  const received: ReceivedMail[] = [];
  const refuse = new Set<string>();
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach((w) => w());

  /** Connection errors (a client killed mid-session resets its socket): kept for a test to read, never thrown. */
  const errors: Error[] = [];
  const create = () => {
    const created = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (refuse.has(address.address.toLowerCase())) {
          callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
          return;
        }
        Promise.resolve(hooks.beforeRcpt?.(address.address)).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then(async (mail) => {
            const entry: ReceivedMail = {
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              messageId: mail.messageId,
              subject: mail.subject,
              text: mail.text,
              html: mail.html,
              headers: mail.headers as Map<string, unknown>,
              raw: mail,
            };
            received.push(entry);
            notify();
            await hooks.beforeAccept?.(entry);
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    created.on('error', (error: Error) => errors.push(error));
    return created;
  };

  let server = create();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
    });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));

  const port = await listen(options.port ?? 0);
  let running = true;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    errors,
    refuse,
    async down() {
      if (!running) return;
      running = false;
      await close();
    },
    async up() {
      if (running) return;
      server = create();
      await listen(port);
      running = true;
    },
    waitFor(count, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} messages, got ${received.length}`)), timeoutMs);
        const check = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve(received);
          } else waiters.push(check);
        };
        check();
      });
    },
    async stop() {
      if (running) await close();
      running = false;
    },
  };
}
