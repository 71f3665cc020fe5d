import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from './canonical-json.js';
import { AuditSigningKey, CHECKPOINT_FORMAT } from './audit-checkpoints.js';

describe('the audit signing key', () => {
  it('is generated into the configured file on first use, readable by its owner only, and reused after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaikaku-key-'));
    try {
      const path = join(dir, 'keys', 'audit.pem');
      const first = AuditSigningKey.fromConfig({
        NODE_ENV: 'production',
        AUDIT_SIGNING_KEY: '',
        AUDIT_SIGNING_KEY_FILE: path,
      });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const again = AuditSigningKey.fromConfig({
        NODE_ENV: 'production',
        AUDIT_SIGNING_KEY: '',
        AUDIT_SIGNING_KEY_FILE: path,
      });
      expect(again.keyId).toBe(first.keyId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('signs the canonical checkpoint so that its public half verifies it', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // As an environment variable often carries it: one line with \n escapes.
    const key = AuditSigningKey.fromConfig({
      NODE_ENV: 'production',
      AUDIT_SIGNING_KEY: pem.replaceAll('\n', '\\n'),
      AUDIT_SIGNING_KEY_FILE: '',
    });
    const payload = {
      format: CHECKPOINT_FORMAT,
      seq: 7,
      headHash: 'ab'.repeat(32),
      signedAt: '2026-12-01T15:05:00.000Z',
      keyId: key.keyId,
    } as const;
    const signature = Buffer.from(key.sign(payload), 'base64');
    expect(verify(null, Buffer.from(canonicalJson(payload)), key.publicKey, signature)).toBe(true);
    expect(verify(null, Buffer.from(canonicalJson({ ...payload, seq: 6 })), key.publicKey, signature)).toBe(false);
  });

  it('refuses a key that is not Ed25519, and production without a key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() =>
      AuditSigningKey.fromConfig({ NODE_ENV: 'development', AUDIT_SIGNING_KEY: rsa, AUDIT_SIGNING_KEY_FILE: '' }),
    ).toThrow(/Ed25519/);
    expect(() =>
      AuditSigningKey.fromConfig({ NODE_ENV: 'production', AUDIT_SIGNING_KEY: '', AUDIT_SIGNING_KEY_FILE: '' }),
    ).toThrow(/required in production/);
  });
});
