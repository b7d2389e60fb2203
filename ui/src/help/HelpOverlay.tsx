import { useApp } from "../store";
import { SHORTCUTS } from "../toolbar/shortcuts";

export function HelpOverlay() {
  const open = useApp((s) => s.helpOpen);
  const setOpen = useApp((s) => s.setHelpOpen);
  if (!open) return null;
  return (
    <div
      className="overlay"
      data-testid="help"
      onClick={() => {
        setOpen(false);
      }}
    >
      <div
        className="help"
        onClick={(e) => {
          e.stopPropagation();
        }}
      >
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>Wiring</h3>
        <p>
          Drag from an export (right side of a node) to an import (left side). While you drag,
          imports that would refuse are dimmed; a refused drop says why. An export may feed many
          imports; an import takes one wire. Dashed wires come from the host: they are the imports
          the composition leaves open.
        </p>
        <button
          type="button"
          onClick={() => {
            setOpen(false);
          }}
        >
          Close
        </button>
      </div>
    </div>
  );
}
