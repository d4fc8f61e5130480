// The playground: GET / (the page with the statechart inlined), its script, styles and microphone worklet, and GET /graph.svg.
import { readFile } from 'node:fs/promises';
import { renderSvg } from '../../graph/svg.ts';
import type { FrontdeskRoutePlugin } from '../app.ts';

const assetDirectory = new URL('../playground/', import.meta.url);

/** Files the page loads, by URL path: [file name, content type]. */
const assets: Record<string, [string, string]> = {
  '/playground.js': ['playground.js', 'text/javascript; charset=utf-8'],
  '/playground.css': ['playground.css', 'text/css; charset=utf-8'],
  '/microphone-worklet.js': ['microphone-worklet.js', 'text/javascript; charset=utf-8'],
};

/** Where the page's HTML takes the inlined diagram. */
export const diagramPlaceholder = '<!--statechart-->';

// Same-origin only: no CDN, no inline script; the inlined SVG carries its own <style>.
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

// The layout takes a second or two and depends only on the machine, so one drawing serves every app in the process.
let diagram: Promise<string> | undefined;
function statechartSvg(): Promise<string> {
  diagram ??= renderSvg().catch((error: unknown) => {
    diagram = undefined;
    throw error;
  });
  return diagram;
}

export const playgroundRoutes: FrontdeskRoutePlugin = async (app) => {
  const read = (name: string) => readFile(new URL(name, assetDirectory), 'utf8');
  const [page, ...files] = await Promise.all([read('index.html'), ...Object.values(assets).map(([name]) => read(name))]);
  const fileContents = new Map(Object.keys(assets).map((path, index) => [path, files[index]!]));

  app.get('/', async (_request, reply) => {
    const svg = (await statechartSvg()).replace(/^<\?xml[^>]*>\s*/, '');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', contentSecurityPolicy)
      .header('cache-control', 'no-cache')
      .send(page.replace(diagramPlaceholder, svg));
  });

  app.get('/graph.svg', async (_request, reply) => reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'no-cache').send(await statechartSvg()));

  for (const [path, [, contentType]] of Object.entries(assets)) {
    app.get(path, async (_request, reply) => reply.type(contentType).header('cache-control', 'no-cache').send(fileContents.get(path)));
  }
};
