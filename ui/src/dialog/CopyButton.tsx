import { useState } from "react";

/** Copies `text` to the clipboard, and says so. */
export function CopyButton(props: { text: string; testId: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <button
      type="button"
      data-testid={props.testId}
      onClick={() => {
        navigator.clipboard.writeText(props.text).then(
          () => {
            setCopied(props.text);
          },
          () => {
            setCopied(null);
          },
        );
      }}
    >
      {copied === props.text ? "Copied" : "Copy"}
    </button>
  );
}
