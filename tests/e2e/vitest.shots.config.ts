import { defineConfig } from "vitest/config";

// scripts/screenshots.sh: drives the real app into the states the README shows.
export default defineConfig({
  test: {
    include: ["*.shots.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
