import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, configVariableNames, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('works with no variables at all, using the local defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.QUEUE_PREFIX).toBe('{kaikaku}');
    expect(config.DATABASE_URL).toMatch(/^postgres:\/\//);
  });

  it('converts numbers from strings', () => {
    expect(loadConfig({ PORT: '8080', OUTBOX_BATCH_SIZE: '50' })).toMatchObject({ PORT: 8080, OUTBOX_BATCH_SIZE: 50 });
  });

  it('names every wrong variable, with its value', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '80a', REDIS_URL: 'http://x', QUEUE_PREFIX: 'kaikaku', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT="80a"/m);
    expect(problems).toMatch(/^REDIS_URL="http:\/\/x": must be a redis/m);
    expect(problems).toMatch(/^QUEUE_PREFIX="kaikaku": must be a hash tag/m);
    expect(problems).toMatch(/^LOG_LEVEL="loud"/m);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('refuses out-of-range numbers', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT="70000"/);
    expect(() => loadConfig({ OUTBOX_BATCH_SIZE: '0' })).toThrow(/OUTBOX_BATCH_SIZE="0"/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });
});

describe('.env.example', () => {
  it('documents every variable the configuration reads, and no other', () => {
    const text = readFileSync('.env.example', 'utf8');
    const documented = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...configVariableNames()].sort());
  });
});

describe('production', () => {
  it('refuses the development JWT secret and short secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: production needs a secret of its own/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(20) })).toThrow(/JWT_SECRET/);
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(40), AUDIT_SIGNING_KEY_FILE: '/keys/audit.pem' })
        .JWT_SECRET,
    ).toHaveLength(40);
  });

  it('refuses to run without an audit signing key of its own', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(40) })).toThrow(
      /AUDIT_SIGNING_KEY: production needs an Ed25519 private key/,
    );
    expect(
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: 'k'.repeat(40),
        AUDIT_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----…',
      }).AUDIT_SIGNING_KEY,
    ).toMatch(/^-----BEGIN/);
    // Outside production a key is generated into .local on first use.
    expect(() => loadConfig({ NODE_ENV: 'development' })).not.toThrow();
  });
});
