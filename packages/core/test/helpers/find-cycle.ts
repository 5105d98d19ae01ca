/**
 * A depth-first search for a cycle in a directed graph, for the tests that forbid one: core's
 * import graph (no-import-circle.test.ts) and the workspace's package graph (test/workspace.test.ts).
 * Hand-written: a dozen lines, where a graph library would be a new dev dependency for two tests.
 */

/** The first cycle of `edges` (node → nodes), as a path that starts and ends at the same node, or undefined. */
export function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "open");
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
