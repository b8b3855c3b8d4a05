/**
 * A finding's message as editors show it: a short first sentence (what, and where) on its own
 * line, because the Problems panel, the CLI's text output and most editors' virtual text show
 * one line; then the why and the fix, which the hover and the rule page show.
 *
 * Rules write one paragraph that opens with that sentence, ended by `: `, `. ` or `? ` outside quotes,
 * brackets and backticks (`Streaming aggregation without a watermark: Spark keeps…`). A bare
 * label of a few plain words (`Layer skip: this gold step reads…`) runs on to the next full stop,
 * so the first line still says where.
 */
const LABEL = /^[A-Za-z]+(?: [A-Za-z-]+){0,2}$/;

export interface SplitMessage {
  /** One sentence, ending with a full stop. */
  headline: string;
  /** The rest (why, how to fix), or '' when the message is one sentence. */
  detail: string;
}

export function splitMessage(message: string): SplitMessage {
  const text = message.trim();
  let end = sentenceEnd(text, 0, true);
  if (end !== undefined && end.mark === ':' && LABEL.test(text.slice(0, end.at))) end = sentenceEnd(text, end.at + 1, false);
  if (end === undefined) return { headline: withStop(text), detail: '' };
  const headline = withStop(text.slice(0, end.mark === '?' ? end.at + 1 : end.at));
  const rest = text.slice(end.at + 1).trim();
  return { headline, detail: rest ? rest[0].toUpperCase() + rest.slice(1) : '' };
}

/** The message as one string: the headline on the first line, the detail after a line break. */
export function formatMessage(message: string): string {
  let formatted = formattedMessages.get(message);
  if (formatted === undefined) {
    const { headline, detail } = splitMessage(message);
    formatted = detail ? `${headline}\n${detail}` : headline;
    // A function of the message alone, asked for every finding of every analysis (the same messages
    // after each keystroke): kept by message, forgotten all at once past a bound.
    if (formattedMessages.size >= MAX_FORMATTED) formattedMessages.clear();
    formattedMessages.set(message, formatted);
  }
  return formatted;
}

const formattedMessages = new Map<string, string>();
const MAX_FORMATTED = 10_000;

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** The first `: ` or `. ` (or `.` at the end) at the top level, from `from`. */
function sentenceEnd(text: string, from: number, colon: boolean): { at: number; mark: string } | undefined {
  const closers: string[] = [];
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === '`') quote = c;
    else if (c in OPEN) closers.push(OPEN[c]);
    else if (closers.length && c === closers[closers.length - 1]) closers.pop();
    else if (!closers.length && (c === '.' || c === '?' || (colon && c === ':'))) {
      const next = text[i + 1];
      // `s3://`, `3.5`, `df.count()` and `e.g.` are not the end of a sentence.
      if (next === undefined || (next === ' ' && !/\b(e\.g|i\.e|etc|vs)$/i.test(text.slice(Math.max(0, i - 4), i)))) return { at: i, mark: c };
    }
  }
  return undefined;
}

function withStop(sentence: string): string {
  const s = sentence.trim().replace(/[:;,]$/, '');
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
