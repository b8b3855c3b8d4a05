import { columnCompletions } from '../../completion/columnNames';
import { COMPLETION_TRIGGER_CHARACTERS, completionsAt } from '../../completion/sourceOptions';
import { syntaxRoot } from '../../parsing/syntaxTree';
import type { ServerContext } from '../context';

export { COMPLETION_TRIGGER_CHARACTERS };

const MAX_COMPLETIONS = 200;

/** Completion of formats, options and their values in reader/writer chains, of Spark conf keys, and of column names. */
export function registerCompletion(ctx: ServerContext): void {
  ctx.connection.onCompletion((p) => {
    if (ctx.notebooks.owns(p.textDocument.uri)) return ctx.notebooks.completion(p).catch((e) => ctx.failed('notebook completion', e, []));
    const stored = ctx.documents.get(p.textDocument.uri);
    if (!stored?.tree) return [];
    try {
      const text = stored.document.getText();
      const offset = stored.document.offsetAt(p.position);
      const options = completionsAt(syntaxRoot(stored.tree, text), text, offset);
      // Column names where a string names a column (`col("`, `select("`, `df["`), from a model of this version.
      const items = options.length ? options : columnCompletions(stored.tree, text, offset);
      // A thousand conf keys is a big message per keystroke: send the best ones, ask to be asked again.
      if (items.length <= MAX_COMPLETIONS) return items;
      const best = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).slice(0, MAX_COMPLETIONS);
      return { isIncomplete: true, items: best };
    } catch (e) {
      ctx.connection.console.error(`completion failed: ${(e as Error).stack ?? String(e)}`);
      return [];
    }
  });
}
