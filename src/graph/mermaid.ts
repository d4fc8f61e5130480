// The call graph as Mermaid `stateDiagram-v2` text: nested states as composites, PHI states and final states styled.
import { transitionContainer, transitionLabel, type CallGraph, type GraphState, type GraphTransition } from './call-graph.ts';

/** Mermaid ids cannot hold dots: "verified.booking.askDate" → "verified_booking_askDate". */
export function mermaidId(path: string): string {
  return path.replace(/\./g, '_');
}

/** The pseudo-state that machine-level transitions (hang-up, emergency…) start from. */
export const anyStateId = 'any_state';

function quoted(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

// Mermaid reads everything after the colon as the label; a colon or semicolon inside it would end the statement.
function labelText(transition: GraphTransition): string {
  return transitionLabel(transition).replace(/[:;]/g, ' ');
}

/** Renders the graph as Mermaid `stateDiagram-v2` source. */
export function renderMermaid(graph: CallGraph): string {
  const byPath = new Map(graph.states.map((state) => [state.path, state]));
  const edgesByContainer = new Map<string, GraphTransition[]>();
  for (const transition of graph.transitions) {
    const container = transitionContainer(transition);
    edgesByContainer.set(container, [...(edgesByContainer.get(container) ?? []), transition]);
  }
  const lines: string[] = ['stateDiagram-v2', `  %% The "${graph.machineId}" statechart, drawn from its machine definition.`];

  const endpoint = (path: string) => (path === '' ? anyStateId : mermaidId(path));
  const writeEdges = (container: string, indent: string) => {
    for (const transition of edgesByContainer.get(container) ?? []) {
      lines.push(`${indent}${endpoint(transition.source)} --> ${endpoint(transition.target)} : ${labelText(transition)}`);
    }
  };
  const writeState = (state: GraphState, indent: string) => {
    const id = mermaidId(state.path);
    if (state.children.length === 0) {
      lines.push(`${indent}state ${quoted(state.key)} as ${id}`);
      if (state.invokes.length > 0) lines.push(`${indent}${id} : ${state.key} (invokes ${state.invokes.join(', ')})`);
      if (state.kind === 'final') lines.push(`${indent}${id} --> [*]`);
      return;
    }
    lines.push(`${indent}state ${quoted(state.key)} as ${id} {`);
    if (state.initial) lines.push(`${indent}  [*] --> ${mermaidId(state.initial)}`);
    for (const child of state.children) writeState(byPath.get(child)!, `${indent}  `);
    writeEdges(state.path, `${indent}  `);
    lines.push(`${indent}}`);
  };

  lines.push(`  [*] --> ${mermaidId(graph.initial)}`);
  for (const state of graph.states) if (state.parent === '') writeState(state, '  ');
  if (graph.transitions.some((transition) => transition.source === '')) lines.push(`  state ${quoted('any state')} as ${anyStateId}`);
  writeEdges('', '  ');

  const phi = graph.states.filter((state) => state.phi).map((state) => mermaidId(state.path));
  const finals = graph.states.filter((state) => state.kind === 'final').map((state) => mermaidId(state.path));
  lines.push('  classDef phi fill:#fff1d6,stroke:#b45309,stroke-width:2px');
  lines.push('  classDef final fill:#eef2f7,stroke:#334155,stroke-width:3px');
  if (phi.length > 0) lines.push(`  class ${phi.join(',')} phi`);
  if (finals.length > 0) lines.push(`  class ${finals.join(',')} final`);
  return `${lines.join('\n')}\n`;
}
