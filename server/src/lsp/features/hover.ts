import type { ServerContext } from '../context';
import { syntaxRoot } from '../../parsing/syntaxTree';
import { hoverAt } from '../hover';

/** Hover: what the model knows at the cursor (a frame's columns and lineage, a conf key's doc). */
export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(async (p) => {
    if (ctx.notebooks.owns(p.textDocument.uri)) {
      const { settings } = ctx.settings.withProjectConfig(p.textDocument.uri, await ctx.settings.settingsFor(p.textDocument.uri));
      return ctx.notebooks.hover(p, settings).catch((e) => ctx.failed('notebook hover', e, null));
    }
    const stored = ctx.documents.get(p.textDocument.uri);
    if (!stored?.tree) return null;
    let cached = await ctx.analyses.analyse(p.textDocument.uri, stored);
    if (cached && !cached.result.model && cached.result.skipped === undefined) {
      // Its model was let go to save memory: analyse again.
      ctx.analyses.delete(p.textDocument.uri);
      cached = await ctx.analyses.analyse(p.textDocument.uri, stored);
    }
    // The model's nodes belong to the tree of the version it was built from.
    const current = ctx.documents.get(p.textDocument.uri);
    if (!cached || !current?.tree || current.document.version !== cached.version) return null;
    try {
      // The same PII patterns as the analysis: the editor's settings with the project's pyproject.toml.
      const { settings } = ctx.settings.withProjectConfig(p.textDocument.uri, await ctx.settings.settingsFor(p.textDocument.uri));
      return hoverAt(cached.result.model, syntaxRoot(current.tree, current.document.getText()), current.document.getText(), current.document.offsetAt(p.position), settings, cached.result.findings);
    } catch (e) {
      ctx.connection.console.error(`hover failed: ${(e as Error).stack ?? String(e)}`);
      return null;
    }
  });
}
