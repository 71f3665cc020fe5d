import { createHash } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardAdapter } from '@bull-board/fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService, Authenticator, PrincipalLoader, type Principal } from '#libs/identity';
import { PROBLEM_CONTENT_TYPE, problemType, QueueRegistry } from '#libs/platform';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
/**
 * Bull Board's page links a font stylesheet on an internet font service. The city's network
 * has none (and the CSP allows no foreign origin), so every link to another origin is taken
 * out of the page: the dashboard uses the system's fonts and asks nothing from elsewhere.
 */
const FOREIGN_LINK = /<link\b[^>]*\bhref\s*=\s*["']?(?:[a-z][a-z0-9+.-]*:)?\/\/[^>]*>\s*/gi;

export function withoutForeignLinks(html: string): string {
  return html.replace(FOREIGN_LINK, '');
}

/** A browser sends Basic credentials with every request; their check is remembered this long. */
const BASIC_CACHE_MS = 5 * 60_000;

/**
 * The queue dashboard (Bull Board) for administrators. A browser cannot send a bearer
 * token on navigation, so HTTP Basic with an admin's password is accepted too (limited and
 * logged like any sign-in); a bearer token works for scripts. The caller is re-read on every
 * request, so a removed admin grant closes the dashboard at once.
 */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const registry = app.get(QueueRegistry);
  const auth = app.get(AuthService);
  const authenticator = app.get(Authenticator);
  const principals = app.get(PrincipalLoader);
  const basicChecks = new Map<string, { userId: string; until: number }>();

  const caller = async (req: FastifyRequest): Promise<Principal | null> => {
    const header = req.headers.authorization ?? '';
    if (!header.toLowerCase().startsWith('basic ')) return authenticator.authenticate(header);
    const key = createHash('sha256').update(header).digest('hex');
    const known = basicChecks.get(key);
    let userId = known && known.until > Date.now() ? known.userId : null;
    if (!userId) {
      const [username, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      const agent = req.headers['user-agent'];
      userId = await auth
        .verifyCredentials((username ?? '').trim().toLowerCase(), rest.join(':'), {
          address: req.ip,
          userAgent: typeof agent === 'string' ? agent : null,
          requestId: String(req.id),
        })
        .catch(() => null);
      if (!userId) return null;
      basicChecks.set(key, { userId, until: Date.now() + BASIC_CACHE_MS });
    }
    return principals.load(userId, 'access_token');
  };

  const refuse = (reply: FastifyReply, status: 401 | 403, detail: string) =>
    reply
      .code(status)
      .header('www-authenticate', 'Basic realm="Kaikaku queues", charset="UTF-8"')
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify({
          type: problemType(status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN'),
          title: status === 401 ? 'Authentication is required' : 'Not allowed',
          status,
          detail,
          code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN',
        }),
      );

  const board = new BullBoardAdapter();
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: registry.all().map((q) => new BullMQAdapter(q)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Kaikaku queues' } },
  });

  await app
    .getHttpAdapter()
    .getInstance()
    .register(async (scope) => {
      scope.addHook('onRequest', async (req, reply) => {
        const principal = await caller(req);
        if (!principal) return refuse(reply, 401, 'Sign in as an administrator');
        if (!principal.hasRole('admin')) return refuse(reply, 403, 'The queue dashboard is for administrators');
      });
      scope.addHook('onSend', async (_req, reply, payload) =>
        typeof payload === 'string' && String(reply.getHeader('content-type') ?? '').startsWith('text/html')
          ? withoutForeignLinks(payload)
          : payload,
      );
      await scope.register(board.registerPlugin() as never, { prefix: QUEUE_DASHBOARD_PATH });
    });
}
