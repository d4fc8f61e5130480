// Mermaid and SVG drawings of the call statechart: every state present, PHI states marked, the SVG well-formed, and both follow the machine.
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { callMachine, phiActorNames } from '../../flows/scheduling/machine.ts';
import { clinicFlow } from '../../flows/clinic/index.ts';
import { phiActorsOf } from '../../src/flow/types.ts';
import { buildCallGraph } from '../../src/graph/call-graph.ts';
import { graphCommand } from '../../src/graph/graph-command.ts';
import { anyStateId, mermaidId, renderMermaid } from '../../src/graph/mermaid.ts';
import { renderSvg } from '../../src/graph/svg.ts';
import { machineWithInsuranceQuestion } from './machine-variant.ts';
import { xmlProblem } from './well-formed-xml.ts';

const graph = buildCallGraph(callMachine, { phiActors: phiActorNames });
const paths = graph.states.map((state) => state.path);

/** Every `data-state` value in document order. */
function dataStates(svg: string): string[] {
  return [...svg.matchAll(/<g class="([^"]*)" data-state="([^"]*)"/g)].map((match) => match[2]!);
}

/** For each <g data-state>, the data-state of the nearest enclosing <g data-state> ("" at the top). */
function enclosingStates(svg: string): Map<string, string> {
  const parents = new Map<string, string>();
  const stack: Array<string | undefined> = [];
  for (const match of svg.matchAll(/<g\b([^>]*)>|<\/g>/g)) {
    if (match[0] === '</g>') {
      stack.pop();
      continue;
    }
    const state = /data-state="([^"]*)"/.exec(match[1]!)?.[1];
    if (state !== undefined) parents.set(state, [...stack].reverse().find((entry) => entry !== undefined) ?? '');
    stack.push(state);
  }
  return parents;
}

function classesOf(svg: string, path: string): string[] {
  const match = new RegExp(`<g class="([^"]*)" data-state="${path.replace(/\./g, '\\.')}"`).exec(svg);
  return match ? match[1]!.split(' ') : [];
}

describe('Mermaid drawing', () => {
  const mermaid = renderMermaid(graph);

  it('is a stateDiagram-v2 declaring every state of the machine once', () => {
    expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const state of graph.states) {
      const declaration = state.children.length > 0 ? `state "${state.key}" as ${mermaidId(state.path)} {` : `state "${state.key}" as ${mermaidId(state.path)}\n`;
      expect(mermaid.split(declaration)).toHaveLength(2);
    }
  });

  it('draws every transition, the initial states, the final states and the PHI class', () => {
    const arrows = mermaid.split('\n').filter((line) => line.includes(' --> '));
    const compoundCount = graph.states.filter((state) => state.initial).length;
    const finalCount = graph.states.filter((state) => state.kind === 'final').length;
    expect(arrows).toHaveLength(graph.transitions.length + 1 + compoundCount + finalCount);
    expect(mermaid).toContain('    verified_booking_confirming --> verified_booking_submitting : caller.spoke [heardYes]\n');
    expect(mermaid).toContain(`  ${anyStateId} --> hangup : caller.hung_up\n`);
    expect(mermaid).toContain('  completed --> [*]\n');
    const phiLine = mermaid.split('\n').find((line) => line.startsWith('  class ') && line.endsWith(' phi'))!;
    expect(phiLine.slice('  class '.length, -' phi'.length).split(',').sort()).toEqual(
      graph.states.filter((state) => state.phi).map((state) => mermaidId(state.path)).sort(),
    );
  });

  it('includes a state added to the machine', () => {
    expect(mermaid).not.toContain('verified_booking_askInsurance');
    const variant = renderMermaid(buildCallGraph(machineWithInsuranceQuestion(), { phiActors: phiActorNames }));
    expect(variant).toContain('state "askInsurance" as verified_booking_askInsurance\n');
    expect(variant).toContain('verified_booking_askReason --> verified_booking_askInsurance : caller.spoke\n');
  });
});

describe('SVG drawing', () => {
  let svg: string;
  beforeAll(async () => {
    svg = await renderSvg(graph);
  });

  it('is well-formed XML with an svg root', () => {
    expect(xmlProblem(svg)).toBeUndefined();
    expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('has one <g data-state> per state, nested like the machine', () => {
    expect(dataStates(svg).sort()).toEqual([...paths].sort());
    const parents = enclosingStates(svg);
    for (const state of graph.states) expect([state.path, parents.get(state.path)]).toEqual([state.path, state.parent]);
  });

  it('marks PHI states and draws verified as the region where they run', () => {
    for (const state of graph.states) expect(classesOf(svg, state.path).includes('phi')).toBe(state.phi);
    expect(classesOf(svg, 'verified')).toEqual(expect.arrayContaining(['compound', 'phi-region']));
    expect(classesOf(svg, 'verification')).not.toContain('phi-region');
    expect(classesOf(svg, 'completed')).toContain('final');
    const submitting = svg.slice(svg.indexOf('data-state="verified.booking.submitting"'));
    expect(submitting.slice(0, submitting.indexOf('</g>'))).toContain('>PHI</text>');
  });

  it('includes a state added to the machine', async () => {
    expect(svg).not.toContain('askInsurance');
    const variant = await renderSvg(buildCallGraph(machineWithInsuranceQuestion(), { phiActors: phiActorNames }));
    expect(xmlProblem(variant)).toBeUndefined();
    expect(dataStates(variant)).toContain('verified.booking.askInsurance');
    expect(dataStates(variant)).toHaveLength(paths.length + 1);
  });
});

describe('frontdesk graph', () => {
  async function run(argv: string[]) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks = { stdout: '', stderr: '' };
    stdout.on('data', (chunk) => (chunks.stdout += chunk));
    stderr.on('data', (chunk) => (chunks.stderr += chunk));
    const code = await graphCommand(argv, { stdout, stderr });
    return { code, ...chunks };
  }

  it('prints Mermaid by default and SVG with --format svg', async () => {
    const mermaid = await run(['--flow', 'scheduling']);
    expect(mermaid).toMatchObject({ code: 0, stderr: '' });
    expect(mermaid.stdout).toBe(renderMermaid(graph));
    const svg = await run(['--format', 'svg']);
    expect(svg.code).toBe(0);
    expect(xmlProblem(svg.stdout)).toBeUndefined();
  });

  it('draws the default line, the clinic one: scheduling and refills after one verification', async () => {
    const line = await run([]);
    expect(line.code).toBe(0);
    expect(line.stdout).toBe(renderMermaid(buildCallGraph(clinicFlow.machine, { phiActors: phiActorsOf(clinicFlow) })));
    expect(line.stdout).not.toBe(renderMermaid(graph));
  });

  it('exits 2 naming the flag for an unknown format or option', async () => {
    expect(await run(['--format', 'png'])).toMatchObject({ code: 2, stdout: '' });
    expect((await run(['--format', 'png'])).stderr).toContain('--format must be one of mermaid, svg');
    const unknown = await run(['--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--colour');
  });
});

describe('well-formedness check', () => {
  it('accepts well-formed documents and names what is wrong with broken ones', () => {
    expect(xmlProblem('<?xml version="1.0"?>\n<svg a="1"><g><text>a &amp; b &#60;</text></g><rect/></svg>\n')).toBeUndefined();
    expect(xmlProblem('<svg><g></svg>')).toContain('closes <g>');
    expect(xmlProblem('<svg><text>a & b</text></svg>')).toContain('bare &');
    expect(xmlProblem('<svg/><svg/>')).toBe('more than one root element');
    expect(xmlProblem('<svg a="1" a="2"/>')).toContain('duplicate attribute');
    expect(xmlProblem('<svg a=1/>')).toContain('malformed tag');
    expect(xmlProblem('<svg><g>')).toBe('unclosed <g>');
  });
});
