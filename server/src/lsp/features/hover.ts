import type { Hover } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { syntaxRoot } from '../../parsing/syntaxTree';
import { mapOffset, type StoredDocument } from '../documentStore';
import { hoverAt } from '../hover';
import { rootAsBuilt, startAsBuilt } from '../../model/buildModel';

/** Hover: what the model knows at the cursor (a frame's columns and lineage, a conf key's doc). */
export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(async (p) => {
    if (ctx.notebooks.owns(p.textDocument.uri)) {
      const { settings } = ctx.settings.withProjectConfig(p.textDocument.uri, await ctx.settings.settingsFor(p.textDocument.uri));
      return ctx.notebooks.hover(p, settings).catch((e) => ctx.failed('notebook hover', e, null));
    }
    const stored = ctx.documents.get(p.textDocument.uri);
    if (!stored?.tree) return null;
    try {
      return await hover(ctx, p.textDocument.uri, stored, stored.document.offsetAt(p.position));
    } catch (e) {
      ctx.connection.console.error(`hover failed: ${(e as Error).stack ?? String(e)}`);
      return null;
    }
  });
}

/**
 * A hover never waits for an analysis: it reads the last model of the document, whatever its
 * version, through the edits made since (a word typed in since has only the current tree's
 * conf-key hover). Only a document with no model at all (never analysed, or its model let go to
 * save memory) is analysed first.
 */
async function hover(ctx: ServerContext, uri: string, stored: StoredDocument, offset: number): Promise<Hover | null> {
  // The same PII patterns as the analysis: the editor's settings with the project's pyproject.toml.
  const { settings } = ctx.settings.withProjectConfig(uri, await ctx.settings.settingsFor(uri));
  let last = ctx.analyses.get(uri);
  if (!last) last = await ctx.analyses.analyse(uri, stored);
  else if (!last.result.model && last.result.skipped === undefined) {
    // Its model was let go to save memory: analyse again.
    ctx.analyses.delete(uri);
    last = await ctx.analyses.analyse(uri, stored);
  }
  const current = ctx.documents.get(uri);
  if (!current?.tree) return null;
  const text = current.document.getText();
  // Taken over after an edit inside a comment: the model is that of the analysis it came from, read as any older one.
  if (last?.asBuilt) last = { ...last, version: last.asBuilt.version, result: last.asBuilt.result };
  const model = last?.result.model;
  if (!last || !model || last.version === current.document.version) {
    const same = last?.version === current.document.version;
    return hoverAt(same ? model : undefined, syntaxRoot(current.tree, text), text, offset, settings, same ? last!.result.findings : []);
  }
  const then = mapOffset(current, last.version, offset, false);
  // The module as the model saw it: the current copy may have taken the root over since.
  const root = rootAsBuilt(model);
  const word = then === undefined ? undefined : root.descendantForIndex(then, then);
  const from = word && mapOffset(current, last.version, word.startIndex, true);
  const to = word && word.endIndex > word.startIndex ? mapOffset(current, last.version, word.endIndex - 1, true) : undefined;
  // Typed in or around since the model was built: only what the current tree knows (conf keys).
  if (from === undefined || to === undefined || to - from !== word!.endIndex - 1 - word!.startIndex) {
    return hoverAt(undefined, syntaxRoot(current.tree, text), text, offset, settings);
  }
  const positions = {
    positionAt: (o: number) => {
      const now = mapOffset(current, last.version, o, true);
      return now === undefined ? last.result.lines.positionAt(o) : current.document.positionAt(now);
    },
  };
  // The findings belong to the model's version too: their offsets are read through the same map.
  return hoverAt(
    model,
    root,
    last.result.lines.text,
    then!,
    settings,
    last.result.findings,
    (o) => `line ${positions.positionAt(o).line + 1}`,
    positions,
    // The model's nodes: a copy made since may have adopted them at their new places.
    (n) => startAsBuilt(model, n),
  );
}
