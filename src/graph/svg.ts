// The call graph as a standalone SVG: each state a <g data-state="…"> the playground can highlight, PHI states marked.
import type { CallGraph } from './call-graph.ts';
import { compoundHeaderHeight, fontSizes, layoutCallGraph, type GraphLayout, type PlacedEdge, type PlacedState, type Point } from './layout.ts';

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const round = (value: number) => Math.round(value * 10) / 10;

const legendHeight = 36;

const styles = `
.statechart { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
.state > rect.frame { fill: #ffffff; stroke: #64748b; stroke-width: 1.2; }
.state.compound > rect.frame { fill: #f8fafc; stroke: #94a3b8; stroke-dasharray: none; }
.state.phi-region > rect.frame { fill: #f0fdf4; stroke: #15803d; stroke-width: 2; }
.state.phi > rect.frame { fill: #fff1d6; stroke: #b45309; stroke-width: 2.2; }
.state.final > rect.frame { stroke: #334155; stroke-width: 1.2; }
.state.final > rect.inner { fill: none; stroke: #334155; stroke-width: 1.2; }
.state .name { font-size: ${fontSizes.state}px; fill: #0f172a; }
.state.compound > .name { font-weight: 600; }
.state .detail { font-size: ${fontSizes.detail}px; fill: #475569; }
.state .badge-box { fill: #b45309; }
.state .badge { font-size: 9px; font-weight: 700; fill: #ffffff; }
.state .region-note { font-size: ${fontSizes.detail}px; fill: #15803d; }
.state.active > rect.frame { stroke: #2563eb; stroke-width: 2.5; }
.state.current > rect.frame { fill: #dbeafe; stroke: #1d4ed8; stroke-width: 4; }
.marker.initial { fill: #0f172a; }
.marker.any > rect { fill: #ffffff; stroke: #64748b; stroke-dasharray: 4 3; }
.marker.any > text { font-size: ${fontSizes.state}px; fill: #475569; font-style: italic; }
.transition > path { fill: none; stroke: #64748b; stroke-width: 1.1; }
.transition.initial > path { stroke: #0f172a; }
.transition .label-box { fill: #ffffff; fill-opacity: 0.85; }
.transition .label { font-size: ${fontSizes.label}px; fill: #334155; }
.legend text { font-size: 11px; fill: #334155; }
`;

function stateGroup(placed: PlacedState, layout: GraphLayout, phiRegion: string | undefined, indent: string): string {
  const { state } = placed;
  const compound = state.children.length > 0;
  const classes = ['state', state.kind, ...(compound ? ['compound'] : []), ...(state.phi ? ['phi'] : []), ...(state.path === phiRegion ? ['phi-region'] : [])];
  const lines = [`${indent}<g class="${classes.join(' ')}" data-state="${escapeXml(state.path)}">`];
  const inner = `${indent}  `;
  lines.push(`${inner}<title>${escapeXml(state.path)}${state.invokes.length ? ` — invokes ${escapeXml(state.invokes.join(', '))}` : ''}</title>`);
  lines.push(`${inner}<rect class="frame" x="${round(placed.x)}" y="${round(placed.y)}" width="${round(placed.width)}" height="${round(placed.height)}" rx="${compound ? 10 : 8}"/>`);
  if (state.kind === 'final') {
    lines.push(`${inner}<rect class="inner" x="${round(placed.x + 3)}" y="${round(placed.y + 3)}" width="${round(placed.width - 6)}" height="${round(placed.height - 6)}" rx="6"/>`);
  }
  if (compound) {
    lines.push(`${inner}<text class="name" x="${round(placed.x + 12)}" y="${round(placed.y + compoundHeaderHeight / 2 + 5)}">${escapeXml(state.key)}</text>`);
    if (state.path === phiRegion) {
      lines.push(`${inner}<text class="region-note" x="${round(placed.x + placed.width - 12)}" y="${round(placed.y + compoundHeaderHeight / 2 + 5)}" text-anchor="end">patient data only after verification</text>`);
    }
  } else {
    const centerX = round(placed.x + placed.width / 2);
    const nameY = state.invokes.length > 0 ? placed.y + 20 : placed.y + placed.height / 2 + 4.5;
    lines.push(`${inner}<text class="name" x="${centerX}" y="${round(nameY)}" text-anchor="middle">${escapeXml(state.key)}</text>`);
    if (state.invokes.length > 0) {
      lines.push(`${inner}<text class="detail" x="${centerX}" y="${round(placed.y + 37)}" text-anchor="middle">invokes ${escapeXml(state.invokes.join(', '))}</text>`);
    }
    if (state.phi) {
      lines.push(`${inner}<rect class="badge-box" x="${round(placed.x + placed.width - 30)}" y="${round(placed.y - 7)}" width="28" height="14" rx="3"/>`);
      lines.push(`${inner}<text class="badge" x="${round(placed.x + placed.width - 16)}" y="${round(placed.y + 3)}" text-anchor="middle">PHI</text>`);
    }
  }
  for (const marker of layout.markers) {
    if (marker.kind === 'initial' && marker.parent === state.path) {
      lines.push(`${inner}<circle class="marker initial" cx="${round(marker.x + marker.width / 2)}" cy="${round(marker.y + marker.height / 2)}" r="${round(marker.width / 2)}"/>`);
    }
  }
  for (const child of state.children) lines.push(stateGroup(layout.states.get(child)!, layout, phiRegion, inner));
  lines.push(`${indent}</g>`);
  return lines.join('\n');
}

function pathData(points: Point[]): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${round(point.x)},${round(point.y)}`).join(' ');
}

function edgeGroup(edge: PlacedEdge): string {
  const first = edge.transitions[0];
  if (!first) return `  <g class="transition initial"><path d="${pathData(edge.points)}" marker-end="url(#statechart-arrow)"/></g>`;
  const sources = [...new Set(edge.transitions.map((transition) => transition.source || 'any state'))];
  const lines = [`  <g class="transition" data-target="${escapeXml(first.target)}">`];
  lines.push(`    <title>${escapeXml(`${sources.join(', ')} → ${first.target}`)}</title>`);
  lines.push(`    <path d="${pathData(edge.points)}" marker-end="url(#statechart-arrow)"/>`);
  if (edge.labelBox && edge.labels.length > 0) {
    const box = edge.labelBox;
    lines.push(`    <rect class="label-box" x="${round(box.x)}" y="${round(box.y)}" width="${round(box.width)}" height="${round(box.height)}"/>`);
    const spans = edge.labels.map((label, index) => `<tspan x="${round(box.x + 3)}" dy="${index === 0 ? 0 : 12}">${escapeXml(label)}</tspan>`);
    lines.push(`    <text class="label" x="${round(box.x + 3)}" y="${round(box.y + 11)}">${spans.join('')}</text>`);
  }
  lines.push('  </g>');
  return lines.join('\n');
}

function commonAncestorOf(paths: string[]): string | undefined {
  if (paths.length === 0) return undefined;
  const parts = paths.map((path) => path.split('.'));
  const first = parts[0]!;
  let length = first.length;
  for (const other of parts.slice(1)) {
    let index = 0;
    while (index < Math.min(length, other.length) && other[index] === first[index]) index += 1;
    length = index;
  }
  // The region is the enclosing state, not one of the PHI states themselves.
  if (parts.some((other) => other.length === length)) length -= 1;
  return length > 0 ? first.slice(0, length).join('.') : undefined;
}

/** Draws a laid-out graph. The state holding every PHI state (e.g. `verified`) is drawn as the PHI region. */
export function drawSvg(graph: CallGraph, layout: GraphLayout): string {
  const phiRegion = commonAncestorOf(graph.states.filter((state) => state.phi).map((state) => state.path));
  const width = layout.width;
  const height = layout.height + legendHeight;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" class="statechart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="statechart-title">`,
    `<title id="statechart-title">The "${escapeXml(graph.machineId)}" statechart, drawn from its machine definition</title>`,
    `<style>${styles}</style>`,
    '<defs><marker id="statechart-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#64748b"/></marker></defs>',
    '<g class="states">',
  ];
  for (const marker of layout.markers) {
    if (marker.parent !== '') continue;
    if (marker.kind === 'initial') {
      out.push(`  <circle class="marker initial" cx="${round(marker.x + marker.width / 2)}" cy="${round(marker.y + marker.height / 2)}" r="${round(marker.width / 2)}"/>`);
    } else {
      out.push(`  <g class="marker any"><rect x="${round(marker.x)}" y="${round(marker.y)}" width="${round(marker.width)}" height="${round(marker.height)}" rx="15"/>` +
        `<text x="${round(marker.x + marker.width / 2)}" y="${round(marker.y + marker.height / 2 + 4.5)}" text-anchor="middle">any state</text></g>`);
    }
  }
  for (const placed of layout.states.values()) if (placed.state.parent === '') out.push(stateGroup(placed, layout, phiRegion, '  '));
  out.push('</g>', '<g class="transitions">');
  for (const edge of layout.edges) out.push(edgeGroup(edge));
  out.push('</g>');
  const legendY = layout.height + 8;
  out.push(
    `<g class="legend" transform="translate(16 ${legendY})">`,
    '  <rect x="0" y="0" width="26" height="16" rx="4" fill="#fff1d6" stroke="#b45309" stroke-width="2"/><text x="32" y="12">invokes a PHI actor (patient data)</text>',
    '  <rect x="260" y="0" width="26" height="16" rx="4" fill="#f0fdf4" stroke="#15803d" stroke-width="2"/><text x="292" y="12">region where PHI actors may run</text>',
    '  <rect x="510" y="0" width="26" height="16" rx="4" fill="#ffffff" stroke="#334155"/><rect x="513" y="3" width="20" height="10" rx="3" fill="none" stroke="#334155"/><text x="542" y="12">final state</text>',
    '  <rect x="640" y="0" width="26" height="16" rx="4" fill="#dbeafe" stroke="#1d4ed8" stroke-width="3"/><text x="672" y="12">current state (playground)</text>',
    '</g>',
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

/** Lays out and draws the call statechart (default: the production machine's graph). */
export async function renderSvg(graph: CallGraph): Promise<string> {
  return drawSvg(graph, await layoutCallGraph(graph));
}
