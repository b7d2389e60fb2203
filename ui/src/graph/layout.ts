// Auto-layout with elkjs: layers from left (the host, then providers) to right (consumers).
import ELK from "elkjs/lib/elk.bundled.js";

export type Box = { id: string; width: number; height: number };
export type Link = { source: string; target: string };
export type Point = { x: number; y: number };

const elk = new ELK();

/** New top-left positions for `boxes` so that every link points right. */
export async function layoutGraph(boxes: Box[], links: Link[]): Promise<Map<string, Point>> {
  const ids = new Set(boxes.map((b) => b.id));
  const unique = new Map<string, Link>();
  for (const link of links) {
    if (ids.has(link.source) && ids.has(link.target) && link.source !== link.target) {
      unique.set(`${link.source}\u0000${link.target}`, link);
    }
  }
  const graph = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.spacing.nodeNode": "60",
      "elk.layered.spacing.nodeNodeBetweenLayers": "160",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
    },
    children: boxes.map((b) => ({ id: b.id, width: b.width, height: b.height })),
    edges: [...unique.values()].map((l, i) => ({
      id: `e${i}`,
      sources: [l.source],
      targets: [l.target],
    })),
  });
  const positions = new Map<string, Point>();
  for (const child of graph.children ?? []) {
    positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  }
  return positions;
}
