import { defineConfig } from "vitest/config";

// scripts/test-package.sh: the installed package's app, smoke-tested.
export default defineConfig({
  test: {
    include: ["*.smoke.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    reporters: ["verbose"],
  },
});
