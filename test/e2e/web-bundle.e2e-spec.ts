import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The first page's JavaScript stays under 300 kB gzip: the entry chunk, the app's chunk (React,
 * the router, the first pages) that the entry imports at once, and everything they import
 * statically. The entry itself is small, so the session refresh leaves before the rest is
 * compiled; the pages not on the first load, Mermaid and ECharts are in chunks of their own.
 */
const WEB = join(process.cwd(), 'dist/web');
const LIMIT = 300 * 1024;

interface Chunk {
  file: string;
  name?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

describe('the web bundle', () => {
  const manifest: Record<string, Chunk> = JSON.parse(readFileSync(join(WEB, '.vite/manifest.json'), 'utf8'));
  const [entryKey] = Object.entries(manifest).find(([, c]) => c.isEntry) ?? [];

  const [appKey] = Object.entries(manifest).find(([, c]) => c.name === 'app' && !c.isEntry) ?? [];
  const read = (key: string) => readFileSync(join(WEB, manifest[key].file), 'utf8');
  const gzipped = (keys: Set<string>) =>
    [...keys].reduce((sum, key) => sum + gzipSync(readFileSync(join(WEB, manifest[key].file))).length, 0);

  /** The chunks `from` imports statically, themselves included, transitively. */
  function staticClosure(...from: string[]): Set<string> {
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const next of manifest[key]?.imports ?? []) visit(next);
    };
    from.forEach(visit);
    return seen;
  }

  /** What the browser loads before the first page shows: the entry, the app's chunk, and their static imports. */
  const firstLoad = () => staticClosure(entryKey!, appKey!);

  it('loads at most 300 kB of gzipped JavaScript for the first page', () => {
    expect(entryKey).toBeDefined();
    expect(appKey).toBeDefined();
    expect(manifest[entryKey!].dynamicImports).toContain(appKey);
    const bytes = gzipped(firstLoad());
    expect(bytes).toBeGreaterThan(10 * 1024);
    expect(bytes).toBeLessThanOrEqual(LIMIT);
  });

  it('runs the session refresh from a small entry, without React DOM, the router or the pages', () => {
    const entry = staticClosure(entryKey!);
    expect(entry.has(appKey!)).toBe(false);
    expect(gzipped(entry)).toBeLessThanOrEqual(40 * 1024);
    // React DOM's own property name and the dashboard's section title: in the app's chunk only.
    for (const marker of ['dangerouslySetInnerHTML', '方針別の進捗状況']) {
      expect([...entry].filter((key) => read(key).includes(marker))).toEqual([]);
      expect(read(appKey!)).toContain(marker);
    }
    // The chunk is named in index.html, so the browser fetches it beside the entry.
    expect(readFileSync(join(WEB, 'index.html'), 'utf8')).toContain(
      `<link rel="modulepreload" crossorigin href="/${manifest[appKey!].file}">`,
    );
  });

  it('keeps the pages that are not on the first load in chunks loaded by their routes', () => {
    const first = firstLoad();
    // The users page's title: in a chunk of its own, absent from what the first page loads.
    const users = Object.keys(manifest).filter(
      (key) => manifest[key].file.endsWith('.js') && read(key).includes('利用者と権限'),
    );
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((key) => first.has(key))).toEqual([]);
  });

  it('keeps mermaid out of the first load, in a chunk of its own page', () => {
    const first = firstLoad();
    // mermaid's own API object: present in the bundle, absent from what the first page loads.
    expect(
      Object.keys(manifest).some(
        (key) => !first.has(key) && manifest[key].file.endsWith('.js') && read(key).includes('mermaidAPI'),
      ),
    ).toBe(true);
    expect([...first].filter((key) => read(key).includes('mermaidAPI'))).toEqual([]);
  });

  it('has no inline script in index.html (the Content-Security-Policy allows only script files)', () => {
    const html = readFileSync(join(WEB, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\/[^"]+\.js"/);
      expect(body.trim()).toBe('');
    }
    expect(existsSync(join(WEB, 'assets'))).toBe(true);
  });
});
