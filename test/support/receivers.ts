import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  messageId: string;
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
export async function smtpReceiver(): Promise<{ url: string; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(raw)?.[1]?.trim() ?? '';
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: header('Subject'),
          messageId: header('Message-ID'),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface ReceivedHook {
  delivery: string;
  signatureValid: boolean;
  body: { id: string; kind: string; subject: string; text: string };
}

/**
 * A chat tool's incoming webhook: checks the HMAC signature, and can be told to hold an
 * answer (to cut a worker off mid-delivery).
 */
export async function webhookReceiver(secretOf: () => string | undefined) {
  const hooks: ReceivedHook[] = [];
  const control = { hold: false, onHeld: (() => undefined) as () => void };
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const signature = String(req.headers['x-kaikaku-signature'] ?? '');
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
      const secret = secretOf();
      const expected = m && secret ? createHmac('sha256', secret).update(`${m[1]}.${raw}`).digest('hex') : '';
      const signatureValid = Boolean(m && expected && timingSafeEqual(Buffer.from(expected), Buffer.from(m[2])));
      hooks.push({ delivery: String(req.headers['x-kaikaku-delivery']), signatureValid, body: JSON.parse(raw) });
      if (control.hold) {
        control.onHeld();
        return; // never answer: the sender is cut off waiting
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hooks,
    control,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
