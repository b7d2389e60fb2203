import { defineConfig } from "vitest/config";

// One app, one WebDriver session at a time: files run one after another, and waits are for
// conditions (with generous timeouts for a slow CI machine), never for fixed times.
export default defineConfig({
  test: {
    include: ["*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    reporters: ["verbose"],
  },
});
