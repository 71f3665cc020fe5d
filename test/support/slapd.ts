import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  /** With `tls`: the ldaps:// URL, and the PEM of the throw-away CA that signed the server's certificate. */
  ldapsUrl: string | null;
  caFile: string | null;
  /** Runs `work` bound as the directory's administrator (to add, change and disable people). */
  admin<T>(work: (client: Client) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/**
 * A real OpenLDAP server (Debian's slapd) for one test file: its own folder under .local/test,
 * owned by the unprivileged `openldap` user as PostgreSQL's is by `postgres`, listening on a free
 * loopback port only. Started by the files that need it, so no other test waits for it.
 */
export async function startSlapd(options: { tls?: boolean } = {}): Promise<TestSlapd> {
  const slapd = findSlapd();
  if (!slapd) throw new Error('slapd is not installed and cannot be (not root): apt-get install -y slapd');
  const base = resolve('.local/test');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'slapd-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const conf = join(dir, 'slapd.conf');
  const tls = options.tls ? makeCertificates(dir) : null;
  writeFileSync(
    conf,
    [
      ...(tls
        ? [
            `TLSCACertificateFile ${tls.caFile}`,
            `TLSCertificateFile ${tls.certFile}`,
            `TLSCertificateKeyFile ${tls.keyFile}`,
            // A password never crosses the wire in clear: simple binds need TLS (StartTLS or ldaps).
            'security simple_bind=1',
          ]
        : []),
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
  if (isRoot)
    for (const p of [dir, data, conf, ...(tls ? [tls.keyFile, tls.certFile, tls.caFile] : [])])
      chownSync(p, uidOf('openldap'), gidOf('openldap'));
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = tls ? `ldaps://127.0.0.1:${await freePort()}` : null;
  const listen = [`${url}/`, ...(ldapsUrl ? [`${ldapsUrl}/`] : [])].join(' ');
  // -d keeps it in the foreground, so it ends with the test file.
  const child: ChildProcess = spawn(
    slapd,
    ['-f', conf, '-h', listen, '-d', '0', ...(isRoot ? ['-u', 'openldap', '-g', 'openldap'] : [])],
    { stdio: 'ignore' },
  );
  const admin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({
      url: ldapsUrl ?? url,
      connectTimeout: 2000,
      tlsOptions: tls ? { ca: readFileSync(tls.caFile) } : undefined,
    });
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
    for (const ou of ['people', 'groups', 'services'])
      await c.add(`ou=${ou},${LDAP_SUFFIX}`, { objectClass: 'organizationalUnit', ou });
  });
  return {
    url,
    ldapsUrl,
    caFile: tls?.caFile ?? null,
    admin,
    async stop() {
      child.kill('SIGTERM');
      await waitFor(() => child.exitCode !== null || child.signalCode !== null, 'slapd to stop', 10_000, 50).catch(() =>
        child.kill('SIGKILL'),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A throw-away CA and a certificate it signs for 127.0.0.1 (openssl, a day's validity), as a
 * city's directory has from its own CA: the application trusts it only through LDAP_TLS_CA_FILE.
 */
function makeCertificates(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  try {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=Kaikaku test CA',
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.pem'),
    );
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      at('server.key'),
      '-out',
      at('server.csr'),
    );
    writeFileSync(at('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    openssl(
      'x509',
      '-req',
      '-in',
      at('server.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      at('server.ext'),
      '-out',
      at('server.pem'),
    );
  } catch (error) {
    throw new Error(
      `openssl could not make the test certificates (apt-get install -y openssl): ${(error as Error).message}`,
    );
  }
  return { caFile: at('ca.pem'), certFile: at('server.pem'), keyFile: at('server.key') };
}

/** The numeric id of the `openldap` user or group (Debian's slapd package creates both). */
function idOf(flag: '-u' | '-g', name: string): number {
  return Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
}
const uidOf = (name: string) => idOf('-u', name);
const gidOf = (name: string) => idOf('-g', name);
