// The playground in headless Chromium: a typed booking moves the highlighted state through the read-back to completed, and lands in the EHR.
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientId } from '../../src/ehr/types.ts';
import { openPlayground } from '../helpers/playground-page.ts';
import { FrameClient, startTestServer, webSocketUrl, type TestServer } from '../server/server-support.ts';

const chromiumPath = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) console.warn(`playground browser tests skipped: ${chromiumPath} is missing (apt install chromium)`);

const happyBooking = JSON.parse(readFileSync(new URL('../../fixtures/scenarios/happy-booking.json', import.meta.url), 'utf8')) as { steps: string[] };
const readBackStep = happyBooking.steps.indexOf('annual checkup');

const highlighted = (page: Page) => page.$eval('#diagram', (diagram) => diagram.querySelector('g.state.current')?.getAttribute('data-state') ?? null);
const shownSlots = (page: Page) =>
  page.$$eval('#slots dt', (terms) => Object.fromEntries(terms.map((term) => [term.textContent, term.nextElementSibling?.textContent])));
const activeAncestors = (page: Page) =>
  page.$$eval('#diagram g.state.active', (nodes) => nodes.map((node) => node.getAttribute('data-state')));

describe.skipIf(!haveChromium)('playground (headless Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let baseUrl: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ listen: true });
    const address = server.app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    baseUrl = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    await server?.runtime.close();
  });

  async function openPage(): Promise<Page> {
    // A failed /ws/call upgrade is logged by Chromium itself; the page handles it.
    const page = await openPlayground(browser, baseUrl, pageErrors, { viewport: { width: 1400, height: 1000 }, ignoreConsoleError: (text) => text.includes('/ws/call') });
    return page;
  }

  it('highlights the read-back state and then completed while a typed booking runs, and the booking is in the EHR', async () => {
    const page = await openPage();
    expect(await page.locator('#diagram svg g[data-state]').count()).toBeGreaterThan(40);
    await page.waitForFunction(() => document.querySelectorAll('#transcript li.agent').length === 1);
    expect(await highlighted(page)).toBe('greeting');

    for (const [index, line] of happyBooking.steps.entries()) {
      const agentLines = await page.locator('#transcript li.agent').count();
      await page.fill('#line', line);
      await page.press('#line', 'Enter');
      await page.waitForFunction((count) => document.querySelectorAll('#transcript li.agent').length > count, agentLines);
      if (index === readBackStep) {
        await page.waitForFunction(() => document.querySelector('#diagram g.state.current')?.getAttribute('data-state') === 'verified.booking.confirming');
        expect(await highlighted(page)).toBe('verified.booking.confirming');
        expect((await activeAncestors(page)).sort()).toEqual(['verified', 'verified.booking']);
        const slots = await shownSlots(page);
        expect(slots).toMatchObject({ verified: 'true', specialty: 'cardiology', provider: 'Dr. Samuel Whitfield', slot: '2026-12-09T09:30', reason: '•••' });
        expect(JSON.stringify(slots)).not.toMatch(/Smith|1985|annual/);
        expect(await page.textContent('#transcript li.agent:last-child')).toMatch(/^To confirm: Wednesday, December ninth at nine thirty AM with Dr\. Samuel Whitfield/);
      }
    }

    await page.waitForSelector('body[data-call-end="completed"]');
    expect(await highlighted(page)).toBe('completed');
    expect(await activeAncestors(page)).toEqual([]);
    expect(await page.textContent('#current-state')).toBe('completed');

    const callerLines = await page.locator('#transcript li.caller').allTextContents();
    expect(callerLines).toEqual(happyBooking.steps);
    const tools = await page.locator('#tools li').allTextContents();
    expect(tools.map((text) => text.replace(/ \d+ ms$/, ''))).toEqual([
      'verify_patient ok',
      'search_providers ok',
      'get_available_slots ok',
      'book_appointment ok',
    ]);
    const latencies = await page.locator('#latency li').allTextContents();
    expect(latencies).toHaveLength(happyBooking.steps.length);
    expect(latencies[0]).toMatch(/^turn 1: \d+ ms$/);
    expect(await shownSlots(page)).toMatchObject({ verified: 'true', intent: 'book' });

    const appointments = await server.runtime.store.getPatientAppointments({ sessionId: 'test-check', patientId: 'P1001' as PatientId });
    expect(appointments.map(({ providerId, start }) => ({ providerId, start }))).toEqual([{ providerId: 'D03', start: '2026-12-09T09:30' }]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('starts a fresh call with "New call"', async () => {
    const page = await openPage();
    await page.fill('#line', "Hi, I'd like to book an appointment");
    await page.press('#line', 'Enter');
    await page.waitForFunction(() => document.querySelector('#diagram g.state.current')?.getAttribute('data-state') === 'verification.collecting');
    await page.click('#new-call');
    await page.waitForFunction(() => document.querySelector('#diagram g.state.current')?.getAttribute('data-state') === 'greeting');
    expect(await page.locator('#transcript li.caller').count()).toBe(0);
    expect(await page.locator('#transcript li.agent').count()).toBe(1);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('tells the developer the call was turned away when every line is busy, and New call gets through once one is free', async () => {
    const busy = await startTestServer({ listen: true, overrides: { FRONTDESK_MAX_CALLS: '1' } });
    try {
      const holder = await FrameClient.connect(webSocketUrl(busy.app, '/ws/text'));
      await holder.next((frame) => frame.type === 'agent', 0);
      const page = await browser.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(webSocketUrl(busy.app, '/').replace('ws://', 'http://'));
      await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('call turned away'));
      expect(await page.textContent('#status')).toBe('call turned away: all lines are busy; try again in a moment');
      holder.socket.close();
      await expect.poll(() => busy.app.frontdesk.calls.size()).toBe(0);
      await page.click('#new-call');
      await page.waitForFunction(() => document.querySelectorAll('#transcript li.agent').length === 1);
      expect(await page.textContent('#status')).toBe('text call in progress');
      expect(pageErrors).toEqual([]);
      await page.close();
    } finally {
      await busy.app.close();
      await busy.runtime.close();
    }
  });

  it('says voice is unavailable when the server has no /ws/call, and the text box keeps working', async () => {
    const page = await openPage();
    await page.click('#microphone');
    await page.waitForSelector('#voice-message:not([hidden])');
    expect(await page.textContent('#voice-message')).toContain('Voice is not available on this server');
    expect(await page.getAttribute('#microphone', 'aria-pressed')).toBe('false');
    await page.fill('#line', "Hi, I'd like to book an appointment");
    await page.press('#line', 'Enter');
    await page.waitForFunction(() => document.querySelector('#diagram g.state.current')?.getAttribute('data-state') === 'verification.collecting');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('serves /graph.svg as an SVG document a browser parses without errors', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/graph.svg`);
    const parsed = await page.evaluate(async () => {
      const text = await (await fetch('/graph.svg')).text();
      const document = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { parserErrors: document.getElementsByTagName('parsererror').length, root: document.documentElement.nodeName, states: document.querySelectorAll('g[data-state]').length };
    });
    expect(parsed.parserErrors).toBe(0);
    expect(parsed.root).toBe('svg');
    expect(parsed.states).toBeGreaterThan(40);
    await page.close();
  });
});
