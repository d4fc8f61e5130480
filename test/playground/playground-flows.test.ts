// The playground's flow picker in headless Chromium: a text call on the picked flow, the states it visited marked on that flow's drawing, and the flow's path coverage from the walk.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFlow } from '../../src/flow/catalogue.ts';
import { computeCoverage } from '../../src/flow/coverage.ts';
import { FrameClient, startTestServer, webSocketUrl, type TestServer } from '../server/server-support.ts';

const chromiumPath = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) console.warn(`playground browser tests skipped: ${chromiumPath} is missing (apt install chromium)`);

// The small flow of docs/flows.md, built from the page (inside the repository, so its `from 'frontdesk'` resolves).
const page = readFileSync(join(import.meta.dirname, '../../docs/flows.md'), 'utf8');
const hoursSource = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!).find((code) => code.startsWith('// flows/hours/index.ts'));
const hoursFile = join(import.meta.dirname, '../flow/.generated/playground-hours/index.ts');

describe.skipIf(!haveChromium)('playground flow picker (headless Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let baseUrl: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!hoursSource) throw new Error('docs/flows.md has no flows/hours/index.ts block');
    mkdirSync(join(hoursFile, '..'), { recursive: true });
    writeFileSync(hoursFile, hoursSource);
    server = await startTestServer({ listen: true, dependencies: { flows: { scheduling: 'scheduling', hours: hoursFile } } });
    const address = server.app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    baseUrl = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    await server?.runtime.close();
  });

  async function openPage(): Promise<Page> {
    const opened = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    opened.on('pageerror', (error) => pageErrors.push(error.message));
    opened.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('/ws/call')) pageErrors.push(message.text());
    });
    await opened.goto(`${baseUrl}/`);
    await opened.waitForSelector('#line:not([disabled])');
    return opened;
  }

  async function say(opened: Page, line: string) {
    const agentLines = await opened.locator('#transcript li.agent').count();
    await opened.fill('#line', line);
    await opened.press('#line', 'Enter');
    await opened.waitForFunction((count) => document.querySelectorAll('#transcript li.agent').length > count, agentLines);
  }

  it('runs a text call on the picked flow, marks the states it visited on that flow, and shows its path coverage', async () => {
    const opened = await openPage();
    // The two asked for, and the server's own flow (the catalogue's default), selected.
    const offered = [...new Set(['scheduling', 'hours', server.runtime.flow.name])];
    await opened.waitForFunction((count) => document.querySelectorAll('#flow-picker option').length === count, offered.length);
    expect(await opened.$$eval('#flow-picker option', (options) => options.map((option) => [option.textContent, (option as HTMLOptionElement).selected]))).toEqual(
      offered.map((name) => [name, name === server.runtime.flow.name]),
    );

    await opened.selectOption('#flow-picker', 'hours');
    await opened.waitForSelector('#diagram g.state[data-state="telling"]');
    expect(await opened.locator('#diagram g.state[data-state="verification.collecting"]').count()).toBe(0);
    await opened.waitForFunction(() => document.querySelector('#transcript li.agent')?.textContent?.startsWith('We are open Monday to Friday'));
    await say(opened, 'um, what are your hours?');
    await say(opened, 'no thanks');
    await opened.waitForSelector('body[data-call-end="completed"]');
    expect((await opened.locator('#transcript li.agent').allTextContents()).at(-1)).toBe('Thank you for calling. Goodbye.');

    // Visited: where the call went (the question, then goodbye), not the handoff it never reached.
    const visited = await opened.$$eval('#diagram g.state.visited', (nodes) => nodes.map((node) => node.getAttribute('data-state')));
    expect(visited.sort()).toEqual(['goodbye', 'telling']);
    expect(await opened.textContent('#visited-count')).toBe('2');

    // The same numbers `frontdesk paths --flow` gives for it.
    const expected = computeCoverage(await loadFlow(hoursFile));
    await opened.waitForSelector('body[data-coverage="ready"]', { timeout: 60_000 });
    const coverage = await opened.$$eval('#coverage dt', (terms) => Object.fromEntries(terms.map((term) => [term.textContent, term.nextElementSibling?.textContent])));
    expect(coverage).toMatchObject({
      states: `${expected.states} of ${expected.states} visited`,
      // The page's example never tries a hang-up while the hours are read: the one transition the walk cannot take.
      transitions: `${expected.transitionsTaken} of ${expected.transitions} event transitions taken (never: ${expected.untaken.join('; ')})`,
      paths: `${expected.waitingPoints} waiting points, ${expected.turns} caller turns tried in 1 world`,
      'PHI steps': '0 (no PHI actors), all under hours.verified: ok',
      'loop check': `no question more than 3 times in a row (longest ${expected.longestRun}): ok`,
    });
    expect(expected.longestRun).toBe(3);
    expect(expected.untaken).toEqual(['hours.telling: caller.hung_up']);
    expect(pageErrors).toEqual([]);
    await opened.close();
  }, 120_000);

  it('refuses a call on a flow the server does not offer, naming the ones it does', async () => {
    const client = await FrameClient.connect(webSocketUrl(server.app, '/ws/text?flow=billing'));
    const offered = [...new Set(['scheduling', 'hours', server.runtime.flow.name])];
    expect(await client.next((frame) => frame.type === 'error', 0)).toEqual({ type: 'error', message: `unknown flow; this server offers: ${offered.join(', ')}` });
    expect(await client.closed).toEqual({ code: 1008, reason: 'unknown flow' });
    const response = await fetch(`${baseUrl}/coverage?flow=billing`);
    expect(response.status).toBe(404);
    const { flows } = (await (await fetch(`${baseUrl}/flows`)).json()) as { flows: Array<{ name: string; description: string; default: boolean }> };
    expect(flows.map((flow) => [flow.name, flow.default])).toEqual(offered.map((name) => [name, name === server.runtime.flow.name]));
    expect(flows.find((flow) => flow.name === 'hours')?.description).toBe('Tells the opening hours and offers staff');
  });
});
