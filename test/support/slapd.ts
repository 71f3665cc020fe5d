import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'ldapts';
import { findSlapd } from '../../scripts/services.mjs';
import { waitFor } from './apps.js';
import { freePort } from './private-services.js';

export const LDAP_SUFFIX = 'dc=city,dc=example';
export const LDAP_ADMIN = `cn=admin,${LDAP_SUFFIX}`;
export const LDAP_ADMIN_PASSWORD = 'slapd-test-admin';

export interface TestSlapd {
  url: string;
  /** Runs `work` bound as the directory's administrator (to add, change and disable people). */
  admin<T>(work: (client: Client) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/**
 * A real OpenLDAP server (Debian's slapd) for one test file: its own folder under .local/test,
 * owned by the unprivileged `openldap` user as PostgreSQL's is by `postgres`, listening on a free
 * loopback port only. Started by the files that need it, so no other test waits for it.
 */
export async function startSlapd(): Promise<TestSlapd> {
  const slapd = findSlapd();
  if (!slapd) throw new Error('slapd is not installed and cannot be (not root): apt-get install -y slapd');
  const base = resolve('.local/test');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'slapd-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const conf = join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `pidfile ${join(dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'database mdb',
      `suffix "${LDAP_SUFFIX}"`,
      `rootdn "${LDAP_ADMIN}"`,
      `rootpw ${LDAP_ADMIN_PASSWORD}`,
      `directory ${data}`,
      'maxsize 10485760',
      'access to attrs=userPassword by self write by anonymous auth by * none',
      'access to * by * read',
      '',
    ].join('\n'),
  );
  const isRoot = process.getuid?.() === 0;
  if (isRoot) for (const p of [dir, data, conf]) chownSync(p, uidOf('openldap'), gidOf('openldap'));
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  // -d keeps it in the foreground, so it ends with the test file.
  const child: ChildProcess = spawn(slapd, ['-f', conf, '-h', `${url}/`, '-d', '0', ...(isRoot ? ['-u', 'openldap', '-g', 'openldap'] : [])], { stdio: 'ignore' });
  const admin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url, connectTimeout: 2000 });
    try {
      await client.bind(LDAP_ADMIN, LDAP_ADMIN_PASSWORD);
      return await work(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };
  await waitFor(() => admin(async () => true), 'slapd to answer', 30_000, 100);
  await admin(async (c) => {
    await c.add(LDAP_SUFFIX, { objectClass: ['dcObject', 'organization'], dc: 'city', o: '熊本市（テスト）' });
    for (const ou of ['people', 'groups', 'services']) await c.add(`ou=${ou},${LDAP_SUFFIX}`, { objectClass: 'organizationalUnit', ou });
  });
  return {
    url,
    admin,
    async stop() {
      child.kill('SIGTERM');
      await waitFor(() => child.exitCode !== null || child.signalCode !== null, 'slapd to stop', 10_000, 50).catch(() => child.kill('SIGKILL'));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The numeric id of the `openldap` user or group (Debian's slapd package creates both). */
function idOf(flag: '-u' | '-g', name: string): number {
  return Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
}
const uidOf = (name: string) => idOf('-u', name);
const gidOf = (name: string) => idOf('-g', name);
