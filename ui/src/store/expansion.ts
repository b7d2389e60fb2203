// What the canvas shows unfolded: a node's WASI bundle, an interface port's functions, what is
// inside a composed node. Window state only: never saved in the project, so unfolding is not an
// edit (not dirty, no undo step).
import { portKey, type Direction } from "../graph/model";
import { storeHelpers, type Get, type Set } from "./shared";

export type ExpansionState = {
  /** Nodes whose WASI bundle is unfolded into its ports (collapsed is the default). */
  wasiExpanded: Record<string, boolean | undefined>;
  /** Ports whose functions are listed beneath them, by `portKey`. */
  expandedPorts: Record<string, boolean | undefined>;
  /** Composed nodes whose inside is listed in their card. */
  insideExpanded: Record<string, boolean | undefined>;
};

export type ExpansionActions = {
  toggleWasiBundle: (node: string) => void;
  togglePortFunctions: (node: string, direction: Direction, port: string) => void;
  toggleInside: (node: string) => void;
};

export function createExpansionSlice(set: Set, get: Get): ExpansionState & ExpansionActions {
  const { rebuild } = storeHelpers(set, get);
  return {
    wasiExpanded: {},
    expandedPorts: {},
    insideExpanded: {},

    toggleWasiBundle(node) {
      const { wasiExpanded } = get();
      // The bundle is part of the node's data and edges: rebuild them, not the project.
      set(rebuild({ wasiExpanded: { ...wasiExpanded, [node]: !wasiExpanded[node] } }));
    },

    togglePortFunctions(node, direction, port) {
      const key = portKey(node, direction, port);
      const { expandedPorts } = get();
      set({ expandedPorts: { ...expandedPorts, [key]: !expandedPorts[key] } });
    },

    toggleInside(node) {
      // Inside the card only: no port or edge changes, so nothing to rebuild.
      const { insideExpanded } = get();
      set({ insideExpanded: { ...insideExpanded, [node]: !insideExpanded[node] } });
    },
  };
}
