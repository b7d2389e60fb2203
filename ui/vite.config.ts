/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The window loads the built UI (ui/dist) from inside the app; `npm run dev` serves it on the
// port src-tauri/tauri.conf.json names as devUrl, for a debug build without `custom-protocol`.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: { target: "safari15", chunkSizeWarningLimit: 4000 },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
