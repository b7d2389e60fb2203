// Where a run's output goes: the terminal of the output pane, and a plain-text transcript of its
// last lines (the pane's text content, for screen readers and tests). Both are bounded, and
// output that arrives faster than the terminal can draw is dropped and counted instead of piling
// up, so a guest printing a gigabyte never takes the window's memory or responsiveness with it.

/** The part of xterm.js the sink uses (a fake in unit tests). */
export type TerminalLike = {
  write(data: string, callback?: () => void): void;
  reset(): void;
};

export type OutputStreamName = "stdout" | "stderr";

/** Lines kept in the transcript. */
export const TRANSCRIPT_LINES = 400;
/** Characters kept per transcript line. */
const MAX_LINE = 2000;
/** Characters written to the terminal and not parsed yet, past which output is dropped. */
const MAX_IN_FLIGHT = 512 * 1024;

const STDERR = "\x1b[38;5;203m";
const NOTE = "\x1b[38;5;245m";
const RESET = "\x1b[0m";

export class OutputSink {
  private terminal: TerminalLike | null = null;
  /** What arrived before the pane was shown, replayed into its terminal (bounded). */
  private backlog: string[] = [];
  private backlogSize = 0;
  private inFlight = 0;
  private lines: string[] = [];
  private partial = "";
  private transcriptView: HTMLElement | null = null;
  private renderScheduled = false;
  private listeners = new Set<() => void>();
  /** Characters not shown because the terminal could not keep up. */
  skipped = 0;

  /** Shows the output in `terminal` and the transcript in `view` (null: detach). */
  attach(terminal: TerminalLike | null, view: HTMLElement | null): void {
    this.terminal = terminal;
    this.transcriptView = view;
    if (terminal) {
      const backlog = this.backlog.join("");
      this.backlog = [];
      this.backlogSize = 0;
      if (backlog) this.toTerminal(backlog);
    }
    this.scheduleRender();
  }

  /** Calls `listener` when `skipped` changes; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Empties the terminal and the transcript. */
  clear(): void {
    this.terminal?.reset();
    this.backlog = [];
    this.backlogSize = 0;
    this.lines = [];
    this.partial = "";
    this.setSkipped(0);
    this.scheduleRender();
  }

  /** Output of the guest; stderr in its own colour. */
  write(stream: OutputStreamName, text: string): void {
    if (!text) return;
    if (this.inFlight > MAX_IN_FLIGHT) {
      this.setSkipped(this.skipped + text.length);
      return;
    }
    this.toTranscript(text);
    this.toTerminal(stream === "stderr" ? `${STDERR}${text}${RESET}` : text);
  }

  /** A line of the window's own (a run starting, output dropped), set apart from the guest's. */
  note(text: string): void {
    const line = this.partial ? `\n${text}\n` : `${text}\n`;
    this.toTranscript(line);
    this.toTerminal(`${NOTE}${line}${RESET}`);
  }

  /** The transcript's text: the last lines printed. */
  transcript(): string {
    return this.lines.join("\n") + (this.lines.length > 0 ? "\n" : "") + this.partial;
  }

  private setSkipped(skipped: number) {
    if (skipped === this.skipped) return;
    this.skipped = skipped;
    for (const listener of this.listeners) listener();
  }

  private toTerminal(data: string) {
    const terminal = this.terminal;
    if (!terminal) {
      this.backlog.push(data);
      this.backlogSize += data.length;
      while (this.backlogSize > MAX_IN_FLIGHT && this.backlog.length > 1) {
        this.backlogSize -= this.backlog.shift()?.length ?? 0;
      }
      return;
    }
    this.inFlight += data.length;
    terminal.write(data, () => {
      this.inFlight -= data.length;
    });
  }

  private toTranscript(text: string) {
    const parts = (this.partial + text).split("\n");
    this.partial = (parts.pop() ?? "").slice(-MAX_LINE);
    const fresh = parts.slice(-TRANSCRIPT_LINES).map((line) => line.slice(0, MAX_LINE));
    this.lines = this.lines.concat(fresh).slice(-TRANSCRIPT_LINES);
    this.scheduleRender();
  }

  private scheduleRender() {
    if (this.renderScheduled || !this.transcriptView) return;
    this.renderScheduled = true;
    requestAnimationFrame(() => {
      this.renderScheduled = false;
      if (this.transcriptView) this.transcriptView.textContent = this.transcript();
    });
  }
}

/** The app's one output sink: the store writes to it, the output pane shows it. */
export const outputSink = new OutputSink();
