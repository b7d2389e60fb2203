import { useEffect, useState } from "react";
import { useShallow } from "zustand/react/shallow";

import { answeredPort, stubLine } from "../graph/stubs";
import { fromJson, initialValue, toJson, type FormValue } from "../invoke/form";
import { ValueInput } from "../invoke/ValueInput";
import type { FunctionInfo } from "../ipc/bindings/FunctionInfo";
import type { StubAnswer } from "../ipc/bindings/StubAnswer";
import { useApp } from "../store";
import { Wit } from "./Wit";

type Mode = "returns" | "traps";

/**
 * How one function of a stub answers: a value typed in the invoke panel's form (the engine
 * writes it as WAVE, or says why it does not fit), nothing for a function without a result, or
 * a trap with a message. The form opens filled with the saved answer (the engine reads its WAVE
 * back), and Apply replaces it.
 */
function StubFunction(props: { stub: string; fn: FunctionInfo; answer: StubAnswer | undefined }) {
  const { stub, fn, answer } = props;
  const { result } = fn;
  const actions = useApp(
    useShallow((s) => ({
      setAnswer: s.setStubAnswer,
      setReturn: s.setStubReturn,
      formValue: s.stubFormValue,
    })),
  );
  const trapped = answer !== undefined && "traps" in answer ? answer.traps : null;
  const [mode, setMode] = useState<Mode>(trapped === null ? "returns" : "traps");
  const [value, setValue] = useState<FormValue | null>(() =>
    result ? initialValue(result.shape) : null,
  );
  const [message, setMessage] = useState(trapped ?? "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const saved = stubLine(fn.name, answer, result !== null);
  const savedWave = answer !== undefined && "returns" in answer ? answer.returns : "";
  const [touched, setTouched] = useState(false);

  // Fill the form with the saved value, read back from its WAVE, unless the user has begun.
  useEffect(() => {
    if (!result || savedWave === "" || touched) return;
    let current = true;
    void actions.formValue(result.shape, savedWave).then((json) => {
      if (current && json !== null) setValue(fromJson(result.shape, json));
    });
    return () => {
      current = false;
    };
  }, [actions, result, savedWave, touched]);

  async function apply() {
    setError(null);
    if (mode === "traps") {
      actions.setAnswer(stub, fn.name, { traps: message });
    } else if (result && value) {
      setBusy(true);
      setError(await actions.setReturn(stub, fn.name, result.shape, toJson(result.shape, value)));
      setBusy(false);
    } else {
      actions.setAnswer(stub, fn.name, { returns: "" });
    }
  }

  return (
    <form
      className="stub-fn"
      data-testid="stub-fn"
      data-function={fn.name}
      onSubmit={(e) => {
        e.preventDefault();
        void apply();
      }}
    >
      <Wit text={fn.signature} />
      <div className="stub-fn-row">
        <select
          data-testid={`stub-mode-${fn.name}`}
          value={mode}
          onChange={(e) => {
            setMode(e.target.value as Mode);
            setError(null);
          }}
        >
          <option value="returns">{result ? `returns ${result.wit}` : "returns nothing"}</option>
          <option value="traps">traps</option>
        </select>
        {mode === "traps" && (
          <input
            type="text"
            className="value-input"
            data-testid={`stub-trap-${fn.name}`}
            placeholder="the trap's message"
            value={message}
            spellCheck={false}
            onChange={(e) => {
              setMessage(e.target.value);
            }}
          />
        )}
      </div>
      {mode === "returns" && result && value && (
        <ValueInput
          shape={result.shape}
          value={value}
          path={fn.name}
          onChange={(next) => {
            setTouched(true);
            setValue(next);
            setError(null);
          }}
        />
      )}
      {error !== null && (
        <p className="problem" data-testid={`stub-error-${fn.name}`}>
          {error}
        </p>
      )}
      <div className="stub-fn-foot">
        <span className="muted">saved:</span>
        <code
          className={`stub-answer stub-answer--${saved.tone}`}
          data-testid={`stub-answer-${fn.name}`}
          data-tone={saved.tone}
          title={saved.text}
        >
          {saved.text}
        </code>
        <button
          type="submit"
          className="small"
          data-testid="stub-apply"
          data-function={fn.name}
          disabled={busy}
        >
          Apply
        </button>
      </div>
    </form>
  );
}

/** The selected stub: what each function of the import it answers returns, and removing it. */
export function StubEditor(props: { stub: string }) {
  const s = useApp(
    useShallow((s) => {
      const stub = s.project.stubs.find((x) => x.id === props.stub);
      return {
        stub,
        details: stub ? s.entries[stub.answers.node]?.details : undefined,
        setAnswer: s.setStubAnswer,
        remove: s.removeStub,
      };
    }),
  );
  const { stub, details } = s;
  if (!stub) return null;
  const port = answeredPort(stub, details);
  const strays = port
    ? Object.keys(stub.functions).filter((name) => !port.functions.some((f) => f.name === name))
    : [];
  return (
    <section className="stub-editor" data-testid="stub-editor" data-stub={stub.id}>
      <h2>
        <span className="stub-tag">stub</span> {stub.id}
      </h2>
      <p className="inspector-note">
        Answers <code className="break">{stub.answers.port}</code> of{" "}
        <strong>{stub.answers.node}</strong>: every call of a function gets the answer saved here. A
        function with a result and no answer traps.
      </p>
      {!port && (
        <p className="problem">
          {details
            ? `${stub.answers.node} no longer imports this: remove the stub.`
            : `Its functions are known once ${stub.answers.node}'s component loads.`}
        </p>
      )}
      {port?.functions.map((fn) => (
        <StubFunction key={fn.name} stub={stub.id} fn={fn} answer={stub.functions[fn.name]} />
      ))}
      {strays.map((name) => (
        <div key={name} className="problem" data-testid={`stub-stray-${name}`}>
          It answers <code>{name}</code>, which the import does not have: a run refuses the stub.
          <button
            type="button"
            className="small"
            onClick={() => {
              s.setAnswer(stub.id, name, null);
            }}
          >
            Forget that answer
          </button>
        </div>
      ))}
      <button
        type="button"
        className="small danger"
        data-testid="remove-stub"
        onClick={() => {
          s.remove(stub.id);
        }}
      >
        Remove stub
      </button>
    </section>
  );
}
