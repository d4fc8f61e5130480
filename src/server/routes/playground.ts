// The playground: GET / (the page with the statechart inlined), its script, styles and microphone worklet, GET /graph.svg and /turn-taking.svg, and the flow picker's /flows and /coverage.
import { readFile } from 'node:fs/promises';
import type { FastifyReply } from 'fastify';
import { turnTakingMachine } from '../../../machines/turn-taking.ts';
import type { Flow } from '../../flow/types.ts';
import { phiActorsOf } from '../../flow/types.ts';
import { buildCallGraph } from '../../graph/call-graph.ts';
import { renderSvg } from '../../graph/svg.ts';
import type { FrontdeskRoutePlugin } from '../types.ts';

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

// The engine's turn-taking machine is the same for every flow and call; it invokes no actors, so none touches patient data.
let turnTakingDiagram: Promise<string> | undefined;
function turnTakingSvg(): Promise<string> {
  turnTakingDiagram ??= renderSvg(buildCallGraph(turnTakingMachine, { phiActors: [] })).catch((error: unknown) => {
    turnTakingDiagram = undefined;
    throw error;
  });
  return turnTakingDiagram;
}

/** The flow a playground request names (`?flow=NAME`), else the server's default; undefined for a name it does not offer. */
function chosenFlow(context: Parameters<FrontdeskRoutePlugin>[1], query: unknown): Flow | undefined {
  const name = (query as Record<string, unknown> | undefined)?.flow;
  return context.flows.get(typeof name === 'string' ? name : context.flows.defaultName)?.flow;
}

export const playgroundRoutes: FrontdeskRoutePlugin = async (app, context) => {
  await context.flows.ready();
  const read = (name: string) => readFile(new URL(name, assetDirectory), 'utf8');
  const [page, ...files] = await Promise.all([read('index.html'), ...Object.values(assets).map(([name]) => read(name))]);
  const fileContents = new Map(Object.keys(assets).map((path, index) => [path, files[index]!]));
  const unknownFlow = (reply: FastifyReply) => reply.code(404).send({ error: `unknown flow; this server offers: ${context.flows.list().map((flow) => flow.name).join(', ')}` });

  app.get('/', async (request, reply) => {
    const flow = chosenFlow(context, request.query);
    if (!flow) return unknownFlow(reply);
    const svg = (await statechartSvg(flow)).replace(/^<\?xml[^>]*>\s*/, '');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', contentSecurityPolicy)
      .header('cache-control', 'no-cache')
      .send(page.replace(diagramPlaceholder, svg));
  });

  app.get('/graph.svg', async (request, reply) => {
    const flow = chosenFlow(context, request.query);
    if (!flow) return unknownFlow(reply);
    return reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'no-cache').send(await statechartSvg(flow));
  });

  // The turn-taking machine a voice call runs beside the flow's; the page highlights it from /ws/call's turn-state events.
  app.get('/turn-taking.svg', async (_request, reply) => reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'no-cache').send(await turnTakingSvg()));

  // The flow picker's list: name, one line, and which one a call runs when none is picked.
  app.get('/flows', async () => ({
    flows: context.flows.list().map(({ name, description }) => ({ name, description, default: name === context.flows.defaultName })),
  }));

  // `frontdesk paths` for one flow, walked once (in a worker) on first ask: 202 while it runs, then 200 with the numbers.
  app.get('/coverage', async (request, reply) => {
    const name = (request.query as Record<string, unknown> | undefined)?.flow;
    const state = context.flows.coverage(typeof name === 'string' ? name : context.flows.defaultName);
    if (!state) return unknownFlow(reply);
    reply.header('cache-control', 'no-cache');
    if (state.status === 'computing') return reply.code(202).send(state);
    if (state.status === 'failed') return reply.code(500).send(state);
    return reply.send(state);
  });

  for (const [path, [, contentType]] of Object.entries(assets)) {
    app.get(path, async (_request, reply) => reply.type(contentType).header('cache-control', 'no-cache').send(fileContents.get(path)));
  }
};
