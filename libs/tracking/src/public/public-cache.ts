import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/platform';

/** A public answer as sent: its bytes, their media type and the entity tag of the bytes. */
export interface RenderedAnswer {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Offered as a download under this name, when set. */
  filename?: string;
}

const MAX_ENTRIES = 2000;

export function rendered(body: Buffer | string, contentType: string, filename?: string): RenderedAnswer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return {
    body: bytes,
    contentType,
    etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`,
    filename,
  };
}

/**
 * Each API instance keeps what it rendered for PUBLIC_CACHE_SECONDS: the public answers are
 * the same for everyone, so a burst of citizens (or a CDN revalidating) costs one database read
 * per answer and instance, not one per request. Far shorter than the Cache-Control max-age
 * that the answers promise anyway. Concurrent misses of one key share one rendering.
 */
@Injectable()
export class PublicCache {
  private readonly entries = new Map<string, { until: number; answer: Promise<RenderedAnswer> }>();
  private readonly ttlMs: number;

  constructor(config: AppConfig) {
    this.ttlMs = config.PUBLIC_CACHE_SECONDS * 1000;
  }

  answer(key: string, render: () => Promise<RenderedAnswer>): Promise<RenderedAnswer> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.answer;
    const answer = render();
    if (this.ttlMs > 0) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, { until: now + this.ttlMs, answer });
      // A failed rendering (404, database away) is not kept.
      void answer.catch(() => {
        if (this.entries.get(key)?.answer === answer) this.entries.delete(key);
      });
    }
    return answer;
  }
}
