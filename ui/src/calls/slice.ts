// The store's view of the wire tap: the Calls tab's rows and filter, each wire's count and
// pulse, and whether runs record their calls. The run slice feeds it each batch of events.
import type { WireEnd } from "../ipc/bindings/WireEnd";
import type { Deps } from "../store";
import { toAppError } from "../ipc/errors";
import { storeHelpers, type Get, type Set } from "../store/shared";
import { NO_CALLS, wireKey, type CallFilter, type CallsState } from "./model";

export type CallsSliceState = CallsState & {
  callFilter: CallFilter;
  /** Whether runs started from now on record their calls across wires. */
  tapCalls: boolean;
};

export type CallsActions = {
  setCallFilter: (filter: CallFilter) => void;
  /** Shows the wire's traffic: the Calls tab, filtered to it. */
  showWireCalls: (from: WireEnd, to: WireEnd) => void;
  clearCalls: () => void;
  setTapCalls: (on: boolean) => Promise<void>;
};

export function createCallsSlice(set: Set, get: Get, deps: Deps): CallsSliceState & CallsActions {
  const { fail } = storeHelpers(set, get);
  return {
    ...NO_CALLS,
    callFilter: { kind: "all" },
    tapCalls: true,

    setCallFilter(filter) {
      set({ callFilter: filter });
    },

    showWireCalls(_from, to) {
      set({
        callFilter: { kind: "wire", wire: wireKey(to.node, to.port) },
        dockTab: "calls",
        panels: { ...get().panels, dock: true },
      });
    },

    clearCalls() {
      set({ ...NO_CALLS });
    },

    async setTapCalls(on) {
      set({ tapCalls: on });
      try {
        await deps.engine.setCallTap(on);
      } catch (error) {
        set({ tapCalls: !on });
        fail(toAppError(error));
      }
    },
  };
}
