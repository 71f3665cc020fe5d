import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
/** The module of the router and the first pages, imported by the entry (src/main.tsx) at once. */
const APP = `${root}src/app.tsx`;

/**
 * index.html asks for the app's chunk (src/app.tsx: React, the router, the first pages) and
 * what it imports beside the small entry, so that the browser fetches and compiles it while the
 * entry's session refresh is on the wire, instead of after the entry has run and imported it.
 */
function preloadAppChunk(): Plugin {
  return {
    name: 'kaikaku:preload-app-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const { bundle } = context;
        if (!bundle) return;
        const app = Object.values(bundle).find((c) => c.type === 'chunk' && c.moduleIds.includes(APP));
        if (!app || app.type !== 'chunk') throw new Error('preload-app-chunk: no chunk for src/app.tsx');
        const files: string[] = [];
        const add = (file: string) => {
          const chunk = bundle[file];
          if (chunk?.type !== 'chunk' || files.includes(file)) return;
          files.push(file);
          chunk.imports.forEach(add);
        };
        add(app.fileName);
        return files
          .filter((file) => !html.includes(`/${file}"`))
          .map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` },
            injectTo: 'head',
          }));
      },
    },
  };
}

type ModuleGraph = { getModuleInfo(id: string): { importedIds: readonly string[] } | null };

/** The modules `from` imports statically, itself included, transitively. */
function staticGraph(graph: ModuleGraph, from: string): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    graph.getModuleInfo(id)?.importedIds.forEach(visit);
  };
  visit(from);
  return seen;
}

/**
 * The chunk of the first pages holds everything src/app.tsx imports statically (but what the
 * entry has already): one request, rather than a dozen small chunks of what the app shares with
 * the pages loaded later (those import it from this chunk, which is always in by then).
 */
function firstPagesChunk(): (id: string, graph: ModuleGraph) => string | null {
  let members: Set<string> | null = null;
  return (id, graph) => {
    if (!members) {
      const entry = staticGraph(graph, `${root}src/main.tsx`);
      members = new Set([...staticGraph(graph, APP)].filter((m) => !entry.has(m)));
    }
    return members.has(id) ? 'app' : null;
  };
}

/**
 * The browser app, built to dist/web and served by the API at `/`. No React plugin: Vite 8
 * transforms JSX itself (oxc), told here to use React's automatic runtime. Nothing is loaded
 * from another origin at run time (LGWAN has no internet), so fonts and libraries are bundled.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [tailwindcss(), preloadAppChunk()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    manifest: true,
    // The CSP allows no inline script; Vite's module preload polyfill would be one.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: firstPagesChunk(), debugName: 'first pages', includeDependenciesRecursively: false }],
        },
      },
      // React Query marks its hooks "use client" for server-component bundlers; meaningless in an SPA.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
