// A small regex-based WIT highlighter for the inspector: it only colours text the engine printed.
export type TokenKind =
  "comment" | "keyword" | "type" | "package" | "version" | "name" | "punct" | "space";

export type Token = { kind: TokenKind; text: string };

const KEYWORDS = new Set([
  "package",
  "world",
  "interface",
  "import",
  "export",
  "use",
  "func",
  "record",
  "variant",
  "enum",
  "flags",
  "resource",
  "type",
  "constructor",
  "static",
  "include",
  "with",
  "as",
  "from",
  "async",
]);

const TYPES = new Set([
  "u8",
  "u16",
  "u32",
  "u64",
  "s8",
  "s16",
  "s32",
  "s64",
  "f32",
  "f64",
  "bool",
  "char",
  "string",
  "list",
  "option",
  "result",
  "tuple",
  "borrow",
  "own",
  "future",
  "stream",
  "error-context",
]);

// Order matters: comments, then package names (ns:pkg), versions, words, the rest.
const PATTERN =
  /(\/\/[^\n]*)|(%?[a-z][a-z0-9-]*:[a-z][a-z0-9-]*(?:\/[a-z][a-z0-9-]*)?)|(@[0-9][0-9A-Za-z.+-]*)|(%?[A-Za-z_][A-Za-z0-9_-]*)|(\s+)/y;

function kindOf(match: RegExpExecArray): TokenKind {
  const [, comment, pkg, version, word] = match;
  if (comment !== undefined) return "comment";
  if (pkg !== undefined) return "package";
  if (version !== undefined) return "version";
  if (word !== undefined) {
    if (KEYWORDS.has(word)) return "keyword";
    return TYPES.has(word) ? "type" : "name";
  }
  return "space";
}

/** Splits WIT text into coloured tokens; the texts concatenate back to the input. */
export function highlightWit(text: string): Token[] {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, piece: string) => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === kind && (kind === "punct" || kind === "space")) last.text += piece;
    else tokens.push({ kind, text: piece });
  };
  let at = 0;
  while (at < text.length) {
    PATTERN.lastIndex = at;
    const match = PATTERN.exec(text);
    if (match) {
      push(kindOf(match), match[0]);
      at += match[0].length;
    } else {
      // Anything else (braces, colons, digits, arrows) is punctuation, one character at a time.
      push("punct", text.charAt(at));
      at += 1;
    }
  }
  return tokens;
}
