import { COMPLETION_TRIGGER_CHARACTERS, completionsAt } from '../../completion/sourceOptions';
import { syntaxRoot } from '../../parsing/syntaxTree';
import type { ServerContext } from '../context';

export { COMPLETION_TRIGGER_CHARACTERS };

const MAX_COMPLETIONS = 200;

/** Completion of formats, options and their values in reader/writer chains, and of Spark conf keys. */
export function registerCompletion(ctx: ServerContext): void {
  ctx.connection.onCompletion((p) => {
    if (ctx.notebooks.owns(p.textDocument.uri)) return ctx.notebooks.completion(p).catch((e) => ctx.failed('notebook completion', e, []));
    const stored = ctx.documents.get(p.textDocument.uri);
    if (!stored?.tree) return [];
    try {
      const items = completionsAt(syntaxRoot(stored.tree, stored.document.getText()), stored.document.getText(), stored.document.offsetAt(p.position));
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
