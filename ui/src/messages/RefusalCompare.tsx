import type { Mismatch } from "../ipc/bindings/Mismatch";
import type { WireEnd } from "../ipc/bindings/WireEnd";

/** One side's WIT, the line that differs marked. */
function Side(props: { title: string; wit: string; marked: string | null; testId: string }) {
  const marked = props.marked?.trim() ?? null;
  const lines = props.wit.split("\n");
  // The first line equal to the difference's is the one marked.
  const at = marked === null ? -1 : lines.findIndex((line) => line.trim() === marked);
  return (
    <div className="refusal-side" data-testid={props.testId}>
      <div className="refusal-side-title">{props.title}</div>
      <pre>
        {lines.map((line, i) => (
          <span
            key={i}
            className={i === at ? "refusal-line refusal-line--marked" : "refusal-line"}
            data-testid={i === at ? "refusal-mark" : undefined}
          >
            {line}
            {"\n"}
          </span>
        ))}
      </pre>
    </div>
  );
}

/** A refused wire's two sides side by side: what the import wants and what the export gives,
 * the first item that differs marked and said. */
export function RefusalCompare(props: { mismatch: Mismatch; from: WireEnd; to: WireEnd }) {
  const { difference } = props.mismatch;
  return (
    <div className="refusal-compare" data-testid="refusal-compare">
      {difference && (
        <p className="refusal-summary" data-testid="refusal-summary" data-item={difference.item}>
          First difference: {difference.summary}
        </p>
      )}
      <div className="refusal-sides">
        <Side
          title={`${props.to.node} imports`}
          wit={props.mismatch.importWit}
          marked={difference?.import ?? null}
          testId="refusal-import"
        />
        <Side
          title={`${props.from.node} exports`}
          wit={props.mismatch.exportWit}
          marked={difference?.export ?? null}
          testId="refusal-export"
        />
      </div>
    </div>
  );
}
