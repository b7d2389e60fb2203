import { defineConfig } from "vitest/config";

// scripts/bench-canvas.sh: measures the canvas of the real app (not a test; the normal suite's
// `*.test.ts` does not reach bench/).
export default defineConfig({
  test: {
    include: ["bench/*.bench.ts"],
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 300_000,
  },
});
