import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, DomainError, sendProblem } from '#libs/platform';
import {
  OPEN_DATA_COLUMNS,
  PublicCache,
  PublicDataService,
  PublicRateLimit,
  ReportPrinter,
  rendered,
  type PublicAnswer,
  type PublicIndicatorListResponse,
  type PublicInitiativeListResponse,
  type PublicInitiativeResponse,
  type PublicLicence,
  type PublicOpenDataResponse,
  type PublicPlanListResponse,
  type PublicPlanResponse,
  type PublicRollupResponse,
  type RenderedAnswer,
} from '#libs/tracking';
import { html } from './html.js';
import {
  indicatorsPage,
  initiativePage,
  openDataPage,
  page,
  planPage,
  plansPage,
  reportPage,
  yearPage,
} from './pages.js';
import { INITIATIVE_CODE, PLAN_CODE } from './public-api.controller.js';
import { sendPublic } from './public-answer.js';
import { SITE_CSS } from './site-css.js';

const HTML = 'text/html; charset=utf-8';
const YEAR = /^(19[89]\d|2[01]\d\d|2200)$/;
const PAGE = /^[1-9]\d{0,3}$/;
/** PDFs kept per instance, by the entity tag of the page they print (a changed report is a new tag). */
const MAX_PDFS = 20;

const as = <T>(answer: PublicAnswer) => answer as unknown as T;

class PageNotFound extends DomainError {
  constructor() {
    super('NOT_FOUND', 'No such public page');
  }
}

/**
 * The citizens' site at /public (公開ページ): HTML rendered on the server from the public
 * answers (PublicDataService, which publishes through the one allow-list), no script and no
 * cookie, with the public API's caching rules (ETag, Cache-Control, 304) and its per-address
 * limit. Plain Fastify routes like the web application's, outside the /api/v1 prefix; `/public`
 * is reserved there, so the application never answers under it.
 */
export async function mountPublicSite(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const config = app.get(AppConfig);
  const data = app.get(PublicDataService);
  const cache = app.get(PublicCache);
  const limit = app.get(PublicRateLimit);
  const printer = app.get(ReportPrinter);
  const pdfs = new Map<string, Promise<RenderedAnswer>>();
  const licence = () => data.licence();

  type Params = Record<string, string>;
  type Query = Record<string, string | undefined>;
  const route = (path: string, render: (params: Params, query: Query) => Promise<RenderedAnswer>) => {
    fastify.get(path, async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        await limit.take(request.ip);
        const answer = await render(request.params as Params, request.query as Query);
        return sendPublic(request, reply, answer, config);
      } catch (error) {
        return failure(request, reply, error, licence());
      }
    });
  };
  const htmlAnswer = (key: string, build: () => Promise<string>) =>
    cache.answer(`page:${key}`, async () => rendered(await build(), HTML));
  const planOf = (code: string) => {
    if (!PLAN_CODE.test(code)) throw new PageNotFound();
    return data.plan(code).then(as<PublicPlanResponse>);
  };
  const yearOf = (year: string) => {
    if (!YEAR.test(year)) throw new PageNotFound();
    return Number(year);
  };
  const reportHtml = (plan: string, year: number, inlineCss: boolean) =>
    htmlAnswer(`report:${plan}:${year}:${inlineCss}`, async () => {
      const p = await planOf(plan);
      const rollup = as<PublicRollupResponse>(await data.rollup(plan, year));
      const open = as<PublicOpenDataResponse>(await data.openData(plan, year));
      const indicators = as<PublicIndicatorListResponse>(await data.indicators(plan));
      return reportPage(p, rollup, open.rows, indicators, licence(), { inlineCss });
    });

  route('/public', async () =>
    htmlAnswer('plans', async () => plansPage(as<PublicPlanListResponse>(await data.plans()), licence())),
  );
  route('/public/', async () =>
    htmlAnswer('plans', async () => plansPage(as<PublicPlanListResponse>(await data.plans()), licence())),
  );
  route('/public/site.css', async () => rendered(SITE_CSS, 'text/css; charset=utf-8'));
  route('/public/open-data', async () =>
    htmlAnswer('open-data', async () => {
      const list = as<PublicPlanListResponse>(await data.plans());
      const plans = await Promise.all(list.items.map((p) => planOf(p.code)));
      return openDataPage(plans, OPEN_DATA_COLUMNS, licence());
    }),
  );
  route('/public/plans/:plan', async ({ plan }) =>
    htmlAnswer(`plan:${plan}`, async () => planPage(await planOf(plan), licence())),
  );
  route('/public/plans/:plan/indicators', async ({ plan }) =>
    htmlAnswer(`indicators:${plan}`, async () =>
      indicatorsPage(await planOf(plan), as<PublicIndicatorListResponse>(await data.indicators(plan)), licence()),
    ),
  );
  route('/public/plans/:plan/years/:year', async ({ plan, year }, query) => {
    const fy = yearOf(year);
    const n = query.page === undefined ? 1 : PAGE.test(query.page) ? Number(query.page) : 0;
    if (n === 0) throw new PageNotFound();
    return htmlAnswer(`year:${plan}:${fy}:${n}`, async () => {
      const p = await planOf(plan);
      const rollup = as<PublicRollupResponse>(await data.rollup(plan, fy));
      const list = as<PublicInitiativeListResponse>(await data.initiatives(plan, fy, n));
      if (list.items.length === 0 && n > 1) throw new PageNotFound();
      return yearPage(p, rollup, list, licence());
    });
  });
  route('/public/plans/:plan/initiatives/:code', async ({ plan, code }) => {
    if (!INITIATIVE_CODE.test(code)) throw new PageNotFound();
    return htmlAnswer(`initiative:${plan}:${code}`, async () =>
      initiativePage(await planOf(plan), as<PublicInitiativeResponse>(await data.initiative(plan, code)), licence()),
    );
  });
  route('/public/plans/:plan/years/:year/report', async ({ plan, year }) => reportHtml(plan, yearOf(year), false));
  route('/public/plans/:plan/years/:year/report.pdf', async ({ plan, year }) => {
    const fy = yearOf(year);
    const source = await reportHtml(plan, fy, true);
    const known = pdfs.get(source.etag);
    if (known) return known;
    const made = printer
      .print(source.body.toString('utf8'))
      .then((pdf) => rendered(pdf, 'application/pdf', `council-report-${plan}-${fy}.pdf`));
    if (pdfs.size >= MAX_PDFS) pdfs.delete(pdfs.keys().next().value as string);
    pdfs.set(source.etag, made);
    void made.catch(() => pdfs.delete(source.etag)); // a failed print is tried again next time
    return made;
  });
  // Anything else under /public is this site's own "not found" page, not the application's.
  route('/public/*', async () => {
    throw new PageNotFound();
  });
}

/** A page that does not exist, or a limit, as a page; anything else as the API's problem+json. */
function failure(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  licence: PublicLicence,
): FastifyReply | void {
  if (error instanceof DomainError && (error.status === 404 || error.status === 429 || error.status === 400)) {
    const retry = error.extensions['retryAfterSeconds'];
    const title = error.status === 429 ? 'しばらくしてから、もう一度お試しください' : 'ページが見つかりません';
    const text =
      error.status === 429
        ? `短い時間に多くのアクセスがありました。${typeof retry === 'number' ? `${retry}秒ほど` : 'しばらく'}待ってから、もう一度開いてください。`
        : 'お探しのページは見つかりませんでした。アドレスをご確認ください。';
    if (typeof retry === 'number') reply.header('retry-after', String(retry));
    return reply
      .code(error.status === 400 ? 404 : error.status)
      .header('content-type', HTML)
      .header('cache-control', 'no-store')
      .send(
        page(
          { title, licence },
          html`<p>${text}</p>
            <p><a href="/public">計画の一覧へ</a></p>`,
        ),
      );
  }
  return sendProblem(request, reply, error);
}
