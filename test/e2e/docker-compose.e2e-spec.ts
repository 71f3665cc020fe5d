import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * The container files cannot be run here (no Docker engine), so this guards what would
 * otherwise only break on deploy: the compose file parses, Redis keeps BullMQ's data
 * safe, migrations finish before the apps start, and the image does not run as root.
 */

// import.meta.url is not dependable under ts-jest ESM; jest runs from the repo root.
const ROOT = process.cwd();
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const DOCKERFILE = join(ROOT, 'Dockerfile');

interface ServiceFacts {
  command: string;
  /** service name -> condition (undefined for the short list form) */
  dependsOn: Record<string, string | undefined>;
}

type RawService = {
  command?: string | string[];
  depends_on?: string[] | Record<string, { condition?: string } | null>;
};

function normalize(raw: RawService): ServiceFacts {
  const command = Array.isArray(raw.command) ? raw.command.join(' ') : (raw.command ?? '');
  const dependsOn: Record<string, string | undefined> = {};
  if (Array.isArray(raw.depends_on)) for (const name of raw.depends_on) dependsOn[name] = undefined;
  else for (const [name, spec] of Object.entries(raw.depends_on ?? {})) dependsOn[name] = spec?.condition;
  return { command, dependsOn };
}

/** A real YAML parse when the `yaml` package happens to be installed (it is no dependency). */
async function servicesFromYaml(text: string): Promise<Record<string, ServiceFacts>> {
  const specifier = 'yaml'; // a variable, so TypeScript does not require the package
  const { parse } = (await import(specifier)) as { parse: (src: string, options?: object) => unknown };
  const doc = parse(text, { merge: true }) as { services?: Record<string, RawService> };
  return Object.fromEntries(Object.entries(doc.services ?? {}).map(([name, raw]) => [name, normalize(raw ?? {})]));
}

/**
 * Fallback reader for the subset this file uses: two-space indentation, services under
 * `services:`, command as a plain string, a flow list or a block list, depends_on as a
 * map with `condition:` or a list. Anything else makes the assertions below fail loudly.
 */
function servicesFromText(text: string): Record<string, ServiceFacts> {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^services:\s*$/.test(line));
  expect(start).toBeGreaterThanOrEqual(0);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line) && !line.startsWith('#')) break;
    body.push(line.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, ''));
  }

  const blocks = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of body) {
    const header = /^ {2}([A-Za-z0-9._-]+):\s*$/.exec(line);
    if (header) blocks.set(header[1], (current = []));
    else if (current && line.trim() !== '') current.push(line);
  }

  const unquote = (value: string) => value.trim().replace(/^(['"])(.*)\1$/, '$2');
  const services: Record<string, ServiceFacts> = {};
  for (const [name, block] of blocks) {
    const raw: RawService = {};
    for (let i = 0; i < block.length; i++) {
      const key = /^ {4}(command|depends_on):\s*(.*)$/.exec(block[i]);
      if (!key) continue;
      const children: string[] = [];
      while (i + 1 < block.length && /^ {6}/.test(block[i + 1])) children.push(block[++i]);
      const inline = key[2].trim();
      if (key[1] === 'command') {
        if (inline.startsWith('[')) raw.command = JSON.parse(inline) as string[];
        else if (inline) raw.command = unquote(inline);
        else raw.command = children.map((c) => unquote(c.replace(/^\s*-\s*/, '')));
      } else {
        const deps: Record<string, { condition?: string }> = {};
        for (let j = 0; j < children.length; j++) {
          const item = /^ {6}-\s*(\S+)\s*$/.exec(children[j]) ?? /^ {6}([A-Za-z0-9._-]+):\s*$/.exec(children[j]);
          if (!item) continue;
          const dep: { condition?: string } = {};
          while (j + 1 < children.length && /^ {8}/.test(children[j + 1])) {
            const condition = /^ {8}condition:\s*(\S+)\s*$/.exec(children[++j]);
            if (condition) dep.condition = unquote(condition[1]);
          }
          deps[unquote(item[1])] = dep;
        }
        raw.depends_on = deps;
      }
    }
    services[name] = normalize(raw);
  }
  return services;
}

async function composeServices(): Promise<Record<string, ServiceFacts>> {
  const text = readFileSync(COMPOSE_FILE, 'utf8');
  return existsSync(join(ROOT, 'node_modules/yaml')) ? servicesFromYaml(text) : servicesFromText(text);
}

describe('container files (Dockerfile, docker-compose.yml)', () => {
  it('is a compose file that docker compose accepts (its rules checked on a strict parse when Docker is absent)', async () => {
    const probe = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8', timeout: 30_000 });
    if (!probe.error && probe.status === 0) {
      const result = spawnSync('docker', ['compose', '-f', COMPOSE_FILE, 'config', '-q'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      });
      // The object form puts compose's complaint in the failure message.
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    }
    // Always (Docker or not): what `config -q` would refuse, on a strict YAML parse with anchors resolved.
    const specifier = 'yaml'; // a variable: the package comes with the dev tools, it is no dependency of ours
    const { parseDocument } = (await import(specifier)) as {
      parseDocument: (src: string, options?: object) => { errors: unknown[]; warnings: unknown[]; toJS(): unknown };
    };
    const document = parseDocument(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true, uniqueKeys: true, strict: true });
    expect({ errors: document.errors, warnings: document.warnings }).toEqual({ errors: [], warnings: [] });
    type Service = {
      image?: string;
      build?: unknown;
      environment?: Record<string, unknown> | string[];
      volumes?: Array<string | { source?: string }>;
      depends_on?: string[] | Record<string, unknown>;
    };
    const compose = document.toJS() as { services: Record<string, Service>; volumes?: Record<string, unknown> };
    const declaredVolumes = Object.keys(compose.volumes ?? {});
    const problems: string[] = [];
    for (const [name, service] of Object.entries(compose.services)) {
      if (!service.image && !service.build) problems.push(`${name}: neither image nor build`);
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : (volume.source ?? '');
        // A name (not a path) must be a declared volume.
        if (!/^[./~]/.test(source) && !declaredVolumes.includes(source))
          problems.push(`${name}: volume "${source}" is not declared`);
      }
      const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dep of deps) if (!compose.services[dep]) problems.push(`${name}: depends on unknown service "${dep}"`);
      if (service.environment && !Array.isArray(service.environment)) {
        for (const [key, value] of Object.entries(service.environment)) {
          if (value !== null && typeof value === 'object') problems.push(`${name}: environment ${key} is not a scalar`);
        }
      }
    }
    expect(problems).toEqual([]);
    // Production refuses to start without these: the stack must provide them.
    for (const app of ['migrate', 'api', 'worker']) {
      const env = compose.services[app].environment as Record<string, unknown>;
      expect([
        app,
        env.NODE_ENV,
        typeof env.JWT_SECRET,
        Boolean(env.AUDIT_SIGNING_KEY || env.AUDIT_SIGNING_KEY_FILE),
      ]).toEqual([app, 'production', 'string', true]);
    }
  });

  it('defines the whole stack', async () => {
    const services = await composeServices();
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'migrate', 'api', 'worker']));
  });

  it('runs Redis with AOF on and without eviction, as BullMQ requires', async () => {
    const { redis } = await composeServices();
    expect(redis?.command).toMatch(/--appendonly\s+yes\b/);
    expect(redis?.command).toMatch(/--maxmemory-policy\s+noeviction\b/);
  });

  it('starts the API and the worker only after the migrations completed', async () => {
    const services = await composeServices();
    for (const name of ['api', 'worker']) {
      expect({ name, migrate: services[name]?.dependsOn.migrate }).toEqual({
        name,
        migrate: 'service_completed_successfully',
      });
    }
  });

  it('builds in several stages and runs as a non-root user', () => {
    const instructions = readFileSync(DOCKERFILE, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    const froms = instructions.flatMap((line, i) => (/^FROM\s/i.test(line) ? [i] : []));
    expect(froms.length).toBeGreaterThanOrEqual(2);

    // Only the last stage's USER matters for the running container.
    const users = instructions.flatMap((line, i) =>
      /^USER\s/i.test(line) && i > froms[froms.length - 1] ? [line] : [],
    );
    expect(users.length).toBeGreaterThanOrEqual(1);
    const user = users[users.length - 1]
      .replace(/^USER\s+/i, '')
      .split(':')[0]
      .trim();
    expect(user).not.toMatch(/^(root|0)$/);
  });
});
