import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The first page's JavaScript stays under 300 kB gzip: the entry chunk and everything it
 * imports statically (what the browser must load before the sign-in page shows). Mermaid and
 * ECharts must stay in chunks loaded by their own pages.
 */
const WEB = join(process.cwd(), 'dist/web');
const LIMIT = 300 * 1024;

interface Chunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

describe('the web bundle', () => {
  const manifest: Record<string, Chunk> = JSON.parse(readFileSync(join(WEB, '.vite/manifest.json'), 'utf8'));
  const [entryKey] = Object.entries(manifest).find(([, c]) => c.isEntry) ?? [];

  /** The entry and its static imports, transitively. */
  function firstLoad(): Set<string> {
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const next of manifest[key]?.imports ?? []) visit(next);
    };
    visit(entryKey!);
    return seen;
  }

  it('loads at most 300 kB of gzipped JavaScript for the first page', () => {
    expect(entryKey).toBeDefined();
    const bytes = [...firstLoad()].reduce(
      (sum, key) => sum + gzipSync(readFileSync(join(WEB, manifest[key].file))).length,
      0,
    );
    expect(bytes).toBeGreaterThan(10 * 1024);
    expect(bytes).toBeLessThanOrEqual(LIMIT);
  });

  it('keeps mermaid out of the first load, in a chunk of its own page', () => {
    const read = (key: string) => readFileSync(join(WEB, manifest[key].file), 'utf8');
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
