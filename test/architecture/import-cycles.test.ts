// No import cycles in the engine: data flows one way (STYLE.md), and nothing imports cli.ts or server/ from below.
import { join } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

async function importGraph() {
  return madge(['src', 'machines', 'flows'], {
    baseDir: root,
    fileExtensions: ['ts'],
    tsConfig: join(root, 'tsconfig.json'),
    // Type-only imports vanish at run time (verbatimModuleSyntax), but a cycle through them is still a tangle; dynamic
    // import() counts too: a lazily loaded module that imports its loader is a cycle all the same.
    detectiveOptions: { ts: { skipTypeImports: false, skipAsyncImports: false }, es6: { skipTypeImports: false, skipAsyncImports: false } },
  });
}

describe('import graph of src, machines and flows', () => {
  it('has no circular imports', async () => {
    const graph = await importGraph();
    // Guards against a graph that found nothing (a resolver that cannot read .ts specifiers passes any cycle check).
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    expect(graph.obj()['src/cli.ts']).toContain('src/server/serve-command.ts');
    expect(graph.warnings().skipped).toEqual([]);
    expect(graph.circular().map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('has nothing importing cli.ts', async () => {
    const graph = await importGraph();
    const importers = Object.entries(graph.obj()).filter(([, imports]) => imports.includes('src/cli.ts')).map(([file]) => file);
    expect(importers).toEqual([]);
  });
});
