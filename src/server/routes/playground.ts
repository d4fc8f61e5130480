// The playground: GET / (the page with the statechart inlined), its script, styles and microphone worklet, and GET /graph.svg.
import { readFile } from 'node:fs/promises';
import type { Flow } from '../../flow/types.ts';
import { phiActorsOf } from '../../flow/types.ts';
import { buildCallGraph } from '../../graph/call-graph.ts';
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

// The layout takes a second or two and depends only on the flow's machine, so one drawing per flow serves every app in the process.
const diagrams = new WeakMap<Flow, Promise<string>>();
function statechartSvg(flow: Flow): Promise<string> {
  let diagram = diagrams.get(flow);
  if (!diagram) {
    diagram = renderSvg(buildCallGraph(flow.machine, { phiActors: phiActorsOf(flow) })).catch((error: unknown) => {
      diagrams.delete(flow);
      throw error;
    });
    diagrams.set(flow, diagram);
  }
  return diagram;
}

export const playgroundRoutes: FrontdeskRoutePlugin = async (app, context) => {
  const flow = context.runtime.flow;
  const read = (name: string) => readFile(new URL(name, assetDirectory), 'utf8');
  const [page, ...files] = await Promise.all([read('index.html'), ...Object.values(assets).map(([name]) => read(name))]);
  const fileContents = new Map(Object.keys(assets).map((path, index) => [path, files[index]!]));

  app.get('/', async (_request, reply) => {
    const svg = (await statechartSvg(flow)).replace(/^<\?xml[^>]*>\s*/, '');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', contentSecurityPolicy)
      .header('cache-control', 'no-cache')
      .send(page.replace(diagramPlaceholder, svg));
  });

  app.get('/graph.svg', async (_request, reply) => reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'no-cache').send(await statechartSvg(flow)));

  for (const [path, [, contentType]] of Object.entries(assets)) {
    app.get(path, async (_request, reply) => reply.type(contentType).header('cache-control', 'no-cache').send(fileContents.get(path)));
  }
};
