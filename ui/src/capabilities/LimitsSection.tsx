// The limits of every run: timeout, memory (every memory and table of every node together),
// fuel, and a server's requests in flight. Each field edits one limit; empty means the default.
import { useShallow } from "zustand/react/shallow";

import { useApp } from "../store";
import { fullLimits, sparseLimits, type FullLimits } from "./profile";
import { Section } from "./Section";

/** Whole numbers ≥ 0 typed into a limit field; empty means no limit. */
function parseLimit(text: string, scale: number): number | null | undefined {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * scale) : undefined;
}

/** One limit's field: what it is, its unit and the scale from that unit to the project's. */
type LimitField = {
  key: keyof FullLimits;
  label: string;
  unit: string;
  scale: number;
  placeholder: string;
  title?: string;
  min?: number;
};

const FIELDS: LimitField[] = [
  { key: "timeout-ms", label: "Timeout", unit: "s", scale: 1000, placeholder: "none" },
  {
    key: "max-memory-bytes",
    label: "Memory",
    unit: "MiB",
    scale: 1048576,
    placeholder: "1024",
    title:
      "Every memory and table of every node of a run together (of each request, when serving); 1024 MiB when empty",
  },
  { key: "fuel", label: "Fuel", unit: "units", scale: 1, placeholder: "none" },
  {
    key: "max-requests",
    label: "Requests",
    unit: "at once",
    scale: 1,
    placeholder: "16",
    title: "When serving: how many requests run at once (each with the memory limit); more wait",
    min: 1,
  },
];

const TEST_IDS: Record<keyof FullLimits, string> = {
  "timeout-ms": "limit-timeout",
  "max-memory-bytes": "limit-memory",
  fuel: "limit-fuel",
  "max-requests": "limit-requests",
};

export function LimitsSection() {
  const s = useApp(useShallow((s) => ({ limits: s.project.limits, edit: s.editProject })));
  const limits = fullLimits(s.limits);
  return (
    <Section id="limits" title="Limits (every node)">
      {FIELDS.map((field) => {
        const value = limits[field.key];
        return (
          <label className="field-row" key={field.key}>
            <span className="field-label">{field.label}</span>
            <input
              type="number"
              min={field.min ?? 0}
              step="any"
              data-testid={TEST_IDS[field.key]}
              placeholder={field.placeholder}
              title={field.title}
              value={value === null ? "" : value / field.scale}
              onChange={(e) => {
                const next = parseLimit(e.target.value, field.scale);
                if (next === undefined) return;
                s.edit(
                  (p) => ({ ...p, limits: sparseLimits({ ...limits, [field.key]: next }) }),
                  `limits:${field.key}`,
                );
              }}
            />
            <span className="muted">{field.unit}</span>
          </label>
        );
      })}
      <p className="muted hint">
        Memory counts every memory and table of every node together; a server applies the timeout
        and the memory to each request.
      </p>
    </Section>
  );
}
