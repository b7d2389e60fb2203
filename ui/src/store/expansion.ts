// What the canvas shows unfolded: a node's WASI bundle, an interface port's functions. Window
// state only: never saved in the project, so unfolding is not an edit (not dirty, no undo step).
import { portKey, type Direction } from "../graph/model";
import { storeHelpers, type Get, type Set } from "./shared";

export type ExpansionState = {
  /** Nodes whose WASI bundle is unfolded into its ports (collapsed is the default). */
  wasiExpanded: Record<string, boolean | undefined>;
  /** Ports whose functions are listed beneath them, by `portKey`. */
  expandedPorts: Record<string, boolean | undefined>;
};

export type ExpansionActions = {
  toggleWasiBundle: (node: string) => void;
  togglePortFunctions: (node: string, direction: Direction, port: string) => void;
};

export function createExpansionSlice(set: Set, get: Get): ExpansionState & ExpansionActions {
  const { rebuild } = storeHelpers(set, get);
  return {
    wasiExpanded: {},
    expandedPorts: {},

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
  };
}
