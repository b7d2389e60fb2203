import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";

import { handleId, type StubFlowNode } from "../graph/model";

/**
 * A stub: a stand-in for the provider of one import, as a compact card saying what each of its
 * functions answers. Its one handle stands where a provider's export would, so its edge meets
 * the import like a wire; it is not a port, so no wire starts there.
 */
export const StubNode = memo(function StubNode({ data, selected }: NodeProps<StubFlowNode>) {
  return (
    <div
      className={selected ? "snode snode--selected" : "snode"}
      data-testid="stub-node"
      data-stub={data.id}
      data-answers-node={data.answers.node}
      data-answers-port={data.answers.port}
    >
      <header className="snode-header">
        <span className="snode-tag">stub</span>
        <span className="snode-name">{data.id}</span>
      </header>
      <div className="snode-port" title={`Answers ${data.answers.port} of ${data.answers.node}`}>
        <span className="port-label">{data.label}</span>
        <Handle
          type="source"
          position={Position.Right}
          id={handleId("export", data.answers.port)}
          isConnectable={false}
          className="handle handle--stub"
        />
      </div>
      <ul className="snode-functions">
        {data.functions.map((f) => (
          <li
            key={f.name}
            className={`snode-function snode-function--${f.tone}`}
            data-testid="stub-function"
            data-function={f.name}
            data-tone={f.tone}
            title={`${f.name} → ${f.text}`}
          >
            <span className="snode-function-name">{f.name}</span>
            <span className="snode-arrow"> → </span>
            <code className="snode-answer">{f.text}</code>
          </li>
        ))}
        {data.functions.length === 0 && <li className="snode-none">no answers</li>}
      </ul>
    </div>
  );
});
