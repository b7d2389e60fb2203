import type { TypeShape } from "../ipc/bindings/TypeShape";
import { casesOf, initialValue, isNumber, withCase, type FormValue } from "./form";

/** An input for one value of `shape`, nested for lists, records, variants and the rest. */
export function ValueInput(props: {
  shape: TypeShape;
  value: FormValue;
  onChange: (value: FormValue) => void;
  /** Where this value sits in the form: `s`, `p.x`, `items.2` (the inputs' `data-path`). */
  path: string;
}) {
  const { shape, value, onChange, path } = props;

  if (value.kind === "bool") {
    return (
      <label className="check">
        <input
          type="checkbox"
          data-testid="invoke-input"
          data-path={path}
          checked={value.value}
          onChange={(e) => {
            onChange({ kind: "bool", value: e.target.checked });
          }}
        />
        {value.value ? "true" : "false"}
      </label>
    );
  }

  // A stream or future is made by a component as it runs: no text stands for one.
  if (shape.kind === "other" && /^(stream|future)\b/.test(shape.wit)) {
    return (
      <p className="muted" data-testid="invoke-not-typed" data-path={path}>
        A <code>{shape.wit}</code> comes from a component as it runs and cannot be typed in: call
        this function from a component wired to it.
      </p>
    );
  }

  if (value.kind === "text") {
    const placeholder = isNumber(shape)
      ? shape.kind
      : shape.kind === "char"
        ? "one character"
        : shape.kind === "string"
          ? "text"
          : "WAVE text";
    return (
      <input
        type="text"
        className={`value-input value-input--${shape.kind}`}
        data-testid="invoke-input"
        data-path={path}
        inputMode={isNumber(shape) ? "decimal" : undefined}
        placeholder={placeholder}
        value={value.value}
        spellCheck={false}
        onChange={(e) => {
          onChange({ kind: "text", value: e.target.value });
        }}
      />
    );
  }

  if (value.kind === "items") {
    const fixed = shape.kind === "tuple" || (shape.kind === "list" && shape.length !== null);
    const itemShape = (i: number) =>
      shape.kind === "list" ? shape.element : shape.kind === "tuple" ? shape.items[i] : undefined;
    return (
      <div className="value-items" data-path={path}>
        {value.items.map((item, i) => {
          const s = itemShape(i);
          return s ? (
            <div key={i} className="value-item">
              <span className="value-index">{i}</span>
              <ValueInput
                shape={s}
                value={item}
                path={`${path}.${i}`}
                onChange={(next) => {
                  onChange({
                    kind: "items",
                    items: value.items.map((v, j) => (j === i ? next : v)),
                  });
                }}
              />
              {!fixed && (
                <button
                  type="button"
                  className="small"
                  title="Remove this item"
                  onClick={() => {
                    onChange({ kind: "items", items: value.items.filter((_, j) => j !== i) });
                  }}
                >
                  ✕
                </button>
              )}
            </div>
          ) : null;
        })}
        {!fixed && shape.kind === "list" && (
          <button
            type="button"
            className="small"
            data-testid="invoke-add-item"
            data-path={path}
            onClick={() => {
              onChange({ kind: "items", items: [...value.items, initialValue(shape.element)] });
            }}
          >
            + item
          </button>
        )}
      </div>
    );
  }

  if (value.kind === "fields" && shape.kind === "record") {
    return (
      <div className="value-fields" data-path={path}>
        {shape.fields.map((field, i) => {
          const v = value.fields[i];
          return v ? (
            <label key={field.name} className="value-field">
              <span className="value-name">{field.name}</span>
              <ValueInput
                shape={field.shape}
                value={v}
                path={`${path}.${field.name}`}
                onChange={(next) => {
                  onChange({
                    kind: "fields",
                    fields: value.fields.map((f, j) => (j === i ? next : f)),
                  });
                }}
              />
            </label>
          ) : null;
        })}
      </div>
    );
  }

  if (value.kind === "enum" && shape.kind === "enum") {
    return (
      <select
        data-testid="invoke-input"
        data-path={path}
        value={value.value}
        onChange={(e) => {
          onChange({ kind: "enum", value: e.target.value });
        }}
      >
        {shape.cases.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
    );
  }

  if (value.kind === "flags" && shape.kind === "flags") {
    return (
      <div className="value-flags" data-path={path}>
        {shape.flags.map((flag) => (
          <label key={flag} className="check">
            <input
              type="checkbox"
              checked={value.set.includes(flag)}
              onChange={(e) => {
                const set = e.target.checked
                  ? [...value.set, flag]
                  : value.set.filter((f) => f !== flag);
                onChange({ kind: "flags", set });
              }}
            />
            {flag}
          </label>
        ))}
      </div>
    );
  }

  if (value.kind === "case") {
    const cases = casesOf(shape);
    const payloadShape = cases.find((c) => c.name === value.name)?.payload ?? null;
    return (
      <div className="value-case" data-path={path}>
        <select
          data-testid="invoke-case"
          data-path={path}
          value={value.name}
          onChange={(e) => {
            onChange(withCase(shape, e.target.value));
          }}
        >
          {cases.map((c) => (
            <option key={c.name}>{c.name}</option>
          ))}
        </select>
        {payloadShape && value.payload && (
          <ValueInput
            shape={payloadShape}
            value={value.payload}
            path={`${path}.${value.name}`}
            onChange={(next) => {
              onChange({ ...value, payload: next });
            }}
          />
        )}
      </div>
    );
  }

  return <span className="muted">cannot be typed in</span>;
}
