// An OCI registry on loopback for the tests and the screenshots: Debian's docker-registry,
// storing in a folder of its own, with the samples published into it by the CLI.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { SAMPLES, WAIT, cli } from "./app";

/** A port nothing listens on yet. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === "object" && address) resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

export type Registry = {
  /** `127.0.0.1:PORT`. */
  host: string;
  /** The reference of the sample `name` at `version` in this registry. */
  reference: (name: string, version: string) => string;
  /** Publishes the sample `name` as `version` with the CLI; returns `reference@digest`. */
  publishSample: (name: string, version: string) => string;
  /** The tags the registry holds for `repository`. */
  tags: (repository: string) => Promise<string[]>;
  stop: () => void;
};

/** Starts docker-registry on a free port and waits until it answers. */
export async function startRegistry(): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), "plugboard-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(dir, "registry.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: ${dir}/data}}\n` +
      `http: {addr: ${host}}\n`,
  );
  const child = spawn("docker-registry", ["serve", config], { stdio: "ignore" });
  const deadline = Date.now() + WAIT;
  for (;;) {
    try {
      if ((await fetch(`http://${host}/v2/`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`docker-registry did not answer on ${host}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const reference = (name: string, version: string) => `${host}/example/${name}:${version}`;
  return {
    host,
    reference,
    publishSample: (name, version) =>
      cli("publish", join(SAMPLES, `${name}.wasm`), reference(name, version)).trim(),
    async tags(repository) {
      const answer = await fetch(`http://${host}/v2/${repository}/tags/list`);
      return ((await answer.json()) as { tags: string[] | null }).tags ?? [];
    },
    stop: () => {
      child.kill();
    },
  };
}
