// Lays the call graph out with ELK (layered, nested states as compound nodes) and returns absolute boxes and edge routes.
import { createRequire } from 'node:module';
import type { ELK, ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import { transitionContainer, transitionLabel, type CallGraph, type GraphState, type GraphTransition } from './call-graph.ts';

export interface Point {
  x: number;
  y: number;
}

/** A rectangle in SVG user units (px), absolute within the drawing. */
export interface Box extends Point {
  width: number;
  height: number;
}

export interface PlacedState extends Box {
  state: GraphState;
}

/** Notation that is not a state: the filled dot of an initial state, and the "any state" source of machine-level events. */
export interface PlacedMarker extends Box {
  kind: 'initial' | 'any';
  /** The compound state the marker sits in ("" = the machine). */
  parent: string;
}

export interface PlacedEdge {
  /** Transitions drawn as this one edge (same source and target); empty for an initial-state arrow. */
  transitions: GraphTransition[];
  /** Label lines, one per transition. */
  labels: string[];
  points: Point[];
  labelBox?: Box;
}

export interface GraphLayout {
  width: number;
  height: number;
  /** Keyed by state path, parents before children. */
  states: Map<string, PlacedState>;
  markers: PlacedMarker[];
  edges: PlacedEdge[];
}

/** Text metrics for sizing boxes before layout (no font engine in Node): average glyph widths of a sans-serif. */
export const fontSizes = { state: 13, detail: 10, label: 10 } as const;
const glyphWidth = (fontSize: number) => fontSize * 0.6;
const textWidth = (text: string, fontSize: number) => Math.ceil(text.length * glyphWidth(fontSize));
const labelLineHeight = 12;
/** Height of a compound state's title band. */
export const compoundHeaderHeight = 28;

// elkjs is CommonJS; its bundled build runs the layout in-process (no worker thread).
const ElkLayout = createRequire(import.meta.url)('elkjs/lib/elk.bundled.js') as new () => ELK;

const anyStateNodeId = '@any';
const initialNodeId = (path: string) => `${path}@initial`;

function atomicSize(state: GraphState): { width: number; height: number } {
  const detail = state.invokes.length > 0 ? `invokes ${state.invokes.join(', ')}` : '';
  const width = Math.max(96, textWidth(state.key, fontSizes.state) + 28, detail ? textWidth(detail, fontSizes.detail) + 20 : 0);
  return { width, height: detail ? 48 : 34 };
}

function edgeLabel(lines: string[]): ElkLabel {
  return {
    text: lines.join('\n'),
    width: Math.max(...lines.map((line) => textWidth(line, fontSizes.label))) + 6,
    height: lines.length * labelLineHeight + 4,
  };
}

/** Transitions from this many states or more, alike but for their source, are drawn as one edge. */
export const fanInThreshold = 4;

interface DrawnEdge {
  source: string;
  target: string;
  transitions: GraphTransition[];
  labels: string[];
}

function commonAncestor(paths: string[]): string {
  const [first = [], ...rest] = paths.map((path) => path.split('.'));
  let length = first.length;
  for (const other of rest) {
    let index = 0;
    while (index < Math.min(length, other.length) && other[index] === first[index]) index += 1;
    length = index;
  }
  return first.slice(0, length).join('.');
}

/**
 * The edges to draw. Fallbacks that many states share (a tool failure leads to systemTrouble, too many
 * misunderstandings offer a human) would cross the whole drawing once per state; each such family becomes one
 * edge from the states' common ancestor (or "any state"), labelled with how many states it stands for.
 * Every other transition keeps its own edge, with transitions between the same two states sharing one.
 */
function drawnEdges(transitions: GraphTransition[]): DrawnEdge[] {
  const families = new Map<string, GraphTransition[]>();
  for (const transition of transitions) {
    const key = [transition.target, transition.trigger, transition.trigger === 'event' ? transition.event : '', transition.guard ?? ''].join('|');
    families.set(key, [...(families.get(key) ?? []), transition]);
  }
  const edges = new Map<string, DrawnEdge>();
  const add = (source: string, target: string, group: GraphTransition[], label: string) => {
    const key = `${source}→${target}`;
    const edge = edges.get(key) ?? { source, target, transitions: [], labels: [] };
    edge.transitions.push(...group);
    edge.labels.push(label);
    edges.set(key, edge);
  };
  for (const family of families.values()) {
    const sources = new Set(family.map((transition) => transition.source));
    if (sources.size >= fanInThreshold) {
      const first = family[0]!;
      let source = commonAncestor([...sources]);
      // The common ancestor must not contain the target, or the edge would run from a state into its own child.
      if (source !== '' && (first.target === source || first.target.startsWith(`${source}.`))) source = '';
      const head = first.trigger === 'error' ? 'tool failed' : first.trigger === 'done' ? 'tool done' : transitionLabel(first);
      const guard = first.trigger === 'error' || first.trigger === 'done' ? (first.guard ? ` [${first.guard}]` : '') : '';
      add(source, first.target, family, `${head}${guard} (from ${sources.size} states)`);
      continue;
    }
    for (const transition of family) add(transition.source, transition.target, [transition], transitionLabel(transition));
  }
  return [...edges.values()];
}

/** Runs ELK on the graph. Positions are deterministic for a given graph. */
export async function layoutCallGraph(graph: CallGraph, options: { layoutOptions?: Record<string, string> } = {}): Promise<GraphLayout> {
  const byPath = new Map(graph.states.map((state) => [state.path, state]));
  const nodes = new Map<string, ElkNode>();
  const root: ElkNode = {
    id: '@root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.edgeLabel': '2',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      ...options.layoutOptions,
    },
    children: [],
    edges: [],
  };
  nodes.set('', root);

  const addMarker = (parent: ElkNode, id: string, size: { width: number; height: number }) => {
    parent.children!.push({ id, ...size });
  };
  const addEdge = (container: string, id: string, source: string, target: string, labels: string[]) => {
    const edge: ElkExtendedEdge = { id, sources: [source], targets: [target], ...(labels.length ? { labels: [edgeLabel(labels)] } : {}) };
    nodes.get(container)!.edges!.push(edge);
  };

  addMarker(root, initialNodeId(''), { width: 14, height: 14 });
  for (const state of graph.states) {
    const parent = nodes.get(state.parent)!;
    const node: ElkNode =
      state.children.length > 0
        ? {
            id: state.path,
            layoutOptions: { 'elk.padding': `[top=${compoundHeaderHeight + 10},left=14,bottom=14,right=14]` },
            width: textWidth(state.key, fontSizes.state) + 40,
            height: compoundHeaderHeight,
            children: [],
            edges: [],
          }
        : { id: state.path, ...atomicSize(state) };
    parent.children!.push(node);
    nodes.set(state.path, node);
    if (state.initial) addMarker(node, initialNodeId(state.path), { width: 12, height: 12 });
  }
  if (drawnEdges(graph.transitions).some((edge) => edge.source === '')) {
    addMarker(root, anyStateNodeId, { width: textWidth('any state', fontSizes.state) + 28, height: 30 });
  }

  const edgeTransitions = new Map<string, GraphTransition[]>();
  const edgeLabels = new Map<string, string[]>();
  let edgeNumber = 0;
  const nodeIdOf = (path: string) => (path === '' ? anyStateNodeId : path);
  for (const group of drawnEdges(graph.transitions)) {
    const id = `edge${(edgeNumber += 1)}`;
    edgeTransitions.set(id, group.transitions);
    edgeLabels.set(id, group.labels);
    addEdge(transitionContainer(group), id, nodeIdOf(group.source), group.target, group.labels);
  }
  addEdge('', `edge${(edgeNumber += 1)}`, initialNodeId(''), graph.initial, []);
  for (const state of graph.states) {
    if (state.initial) addEdge(state.path, `edge${(edgeNumber += 1)}`, initialNodeId(state.path), state.initial, []);
  }

  const laidOut = await new ElkLayout().layout(root);

  // ELK gives child positions relative to their parent and edge points relative to the edge's container.
  const origins = new Map<string, Point>();
  const states = new Map<string, PlacedState>();
  const markers: PlacedMarker[] = [];
  const allEdges: Array<{ edge: ElkExtendedEdge; owner: string }> = [];
  const walk = (node: ElkNode, origin: Point, path: string) => {
    origins.set(node.id, origin);
    for (const edge of node.edges ?? []) allEdges.push({ edge, owner: node.id });
    for (const child of node.children ?? []) {
      const box = { x: origin.x + (child.x ?? 0), y: origin.y + (child.y ?? 0), width: child.width ?? 0, height: child.height ?? 0 };
      const state = byPath.get(child.id);
      if (state) {
        states.set(child.id, { ...box, state });
        walk(child, { x: box.x, y: box.y }, child.id);
      } else {
        markers.push({ ...box, kind: child.id === anyStateNodeId ? 'any' : 'initial', parent: path });
      }
    }
  };
  walk(laidOut, { x: 0, y: 0 }, '');

  const edges: PlacedEdge[] = allEdges.map(({ edge, owner }) => {
    const origin = origins.get(edge.container ?? owner) ?? { x: 0, y: 0 };
    const shift = (point: Point): Point => ({ x: origin.x + point.x, y: origin.y + point.y });
    const points: Point[] = [];
    for (const section of edge.sections ?? []) {
      points.push(shift(section.startPoint), ...(section.bendPoints ?? []).map(shift), shift(section.endPoint));
    }
    const transitions = edgeTransitions.get(edge.id) ?? [];
    const label = edge.labels?.[0];
    return {
      transitions,
      labels: edgeLabels.get(edge.id) ?? [],
      points,
      ...(label && label.x !== undefined && label.y !== undefined
        ? { labelBox: { ...shift({ x: label.x, y: label.y }), width: label.width ?? 0, height: label.height ?? 0 } }
        : {}),
    };
  });

  return { width: Math.ceil(laidOut.width ?? 0), height: Math.ceil(laidOut.height ?? 0), states, markers, edges };
}
