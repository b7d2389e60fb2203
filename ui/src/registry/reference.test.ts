import { describe, expect, it } from "vitest";

import { referenceName, shortReference } from "./reference";

describe("registry references", () => {
  it("shortens an OCI reference to its last segment and tag", () => {
    expect(shortReference("ghcr.io/owner/string-operations:0.1.0")).toBe("string-operations:0.1.0");
    expect(shortReference("127.0.0.1:5000/example/string-operations:0.1.0")).toBe(
      "string-operations:0.1.0",
    );
    expect(shortReference(`ghcr.io/owner/app@sha256:${"ab12".repeat(16)}`)).toBe("app");
    expect(shortReference("example:logger@0.2.0")).toBe("example:logger@0.2.0");
  });

  it("names a pulled component after its repository or package", () => {
    expect(referenceName("127.0.0.1:5000/example/string-operations:0.1.0")).toBe(
      "string-operations",
    );
    expect(referenceName(`ghcr.io/owner/app@sha256:${"ab12".repeat(16)}`)).toBe("app");
    expect(referenceName("example:logger@0.2.0")).toBe("logger");
  });
});
