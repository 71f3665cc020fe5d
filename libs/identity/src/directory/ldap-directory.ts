import { readFileSync } from 'node:fs';
import { Injectable, Logger } from '@nestjs/common';
import { Client, InvalidCredentialsError, type Entry } from 'ldapts';
import { AppConfig, DomainError } from '#libs/platform';
import type { DirectoryProfile } from './directory-accounts.service.js';

export type LdapOutcome =
  | { kind: 'ok'; profile: DirectoryProfile }
  | { kind: 'disabled'; subject: string }
  | { kind: 'unknown' }
  | { kind: 'wrong_password' };

/** RFC 4515: a value inside a search filter. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function first(entry: Entry, attribute: string): string | null {
  if (!attribute) return null;
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined) return null;
  return Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
}

function all(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

/**
 * Sign-in against the city's LDAP or Active Directory: the service account finds the person
 * (one entry, or nobody), then a bind as that entry checks the password. TLS: ldaps://, or
 * StartTLS on ldap://, with the city's CA if given. The directory unreachable is a 503, never
 * a wrong password.
 */
@Injectable()
export class LdapDirectory {
  private readonly logger = new Logger(LdapDirectory.name);

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.LDAP_URL !== '';
  }

  async authenticate(username: string, password: string): Promise<LdapOutcome> {
    // An empty password is an anonymous bind, which LDAP servers accept: never a sign-in.
    if (password === '') return { kind: 'wrong_password' };
    const c = this.config;
    const service = this.client();
    try {
      await this.open(service);
      if (c.LDAP_BIND_DN) await service.bind(c.LDAP_BIND_DN, c.LDAP_BIND_PASSWORD);
      const filter = c.LDAP_USER_FILTER.replaceAll('{username}', escapeFilterValue(username));
      const attributes = [
        c.LDAP_DISPLAY_NAME_ATTRIBUTE,
        'cn',
        c.LDAP_EMAIL_ATTRIBUTE,
        c.LDAP_EMPLOYEE_NUMBER_ATTRIBUTE,
        c.LDAP_UNIT_ATTRIBUTE,
        'memberOf',
      ].filter(Boolean);
      const { searchEntries } = await service.search(c.LDAP_USER_BASE, {
        scope: 'sub',
        filter,
        attributes,
        sizeLimit: 2,
      });
      // None, or ambiguous: nobody to sign in as.
      if (searchEntries.length !== 1) return { kind: 'unknown' };
      const entry = searchEntries[0];
      if (c.LDAP_DISABLED_FILTER) {
        const { searchEntries: disabled } = await service.search(entry.dn, {
          scope: 'base',
          filter: c.LDAP_DISABLED_FILTER,
          attributes: ['dn'],
        });
        if (disabled.length > 0) return { kind: 'disabled', subject: entry.dn };
      }
      const person = this.client();
      try {
        await this.open(person);
        await person.bind(entry.dn, password);
      } catch (error) {
        if (error instanceof InvalidCredentialsError) return { kind: 'wrong_password' };
        throw error;
      } finally {
        await person.unbind().catch(() => undefined);
      }
      let groups = all(entry, 'memberOf');
      if (c.LDAP_GROUP_BASE) {
        const { searchEntries: found } = await service.search(c.LDAP_GROUP_BASE, {
          scope: 'sub',
          filter: c.LDAP_GROUP_FILTER.replaceAll('{dn}', escapeFilterValue(entry.dn)),
          attributes: ['dn'],
        });
        groups = [...groups, ...found.map((g) => g.dn)];
      }
      return {
        kind: 'ok',
        profile: {
          directory: 'ldap',
          subject: entry.dn,
          username,
          displayName: first(entry, c.LDAP_DISPLAY_NAME_ATTRIBUTE) ?? first(entry, 'cn') ?? username,
          email: first(entry, c.LDAP_EMAIL_ATTRIBUTE),
          employeeNumber: first(entry, c.LDAP_EMPLOYEE_NUMBER_ATTRIBUTE),
          unit: first(entry, c.LDAP_UNIT_ATTRIBUTE),
          groups,
        },
      };
    } catch (error) {
      this.logger.warn({ err: error }, 'the directory could not be asked');
      throw new DomainError('SERVICE_UNAVAILABLE', 'The city directory cannot be reached; try again shortly');
    } finally {
      await service.unbind().catch(() => undefined);
    }
  }

  private tls() {
    return this.config.LDAP_TLS_CA_FILE
      ? { ca: readFileSync(this.config.LDAP_TLS_CA_FILE), minVersion: 'TLSv1.2' as const }
      : { minVersion: 'TLSv1.2' as const };
  }

  private client(): Client {
    return new Client({
      url: this.config.LDAP_URL,
      connectTimeout: 5000,
      timeout: 10_000,
      tlsOptions: this.config.LDAP_URL.startsWith('ldaps:') ? this.tls() : undefined,
    });
  }

  private async open(client: Client): Promise<void> {
    if (this.config.LDAP_STARTTLS === 'true') await client.startTLS(this.tls());
  }
}
