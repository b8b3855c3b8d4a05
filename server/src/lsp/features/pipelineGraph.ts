import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import { PipelineGraphRequest, type PipelineGraph, type PipelineGraphParams } from '../../../../shared/protocol';
import { mergeFragments, type FileFragment } from '../../graph';
import type { ServerContext } from '../context';

/** `pysparkArchitect/pipelineGraph`: the pipeline the preview draws. */
export function registerPipelineGraph(ctx: ServerContext): void {
  // Registered by method name: a typed handler would reject a request without params, which asks
  // for the whole workspace; the params are checked here instead.
  ctx.connection.onRequest(PipelineGraphRequest.method, async (p: unknown) => {
    const params = pipelineGraphParams(p);
    return params ? pipelineGraph(ctx, params) : new ResponseError(ErrorCodes.InvalidParams, 'expected { uris?: string[] }');
  });
}

/**
 * The pipeline of some open documents, or (no uris) of the whole workspace: open documents as
 * typed, every other Python file from disk.
 */
async function pipelineGraph(ctx: ServerContext, params: PipelineGraphParams): Promise<PipelineGraph> {
  const fragments: FileFragment[] = [];
  const uris = params.uris?.length ? params.uris : [...ctx.documents.uris(), ...ctx.notebooks.uris()];
  for (const uri of uris) {
    if (ctx.notebooks.owns(uri)) {
      const fragment = await ctx.notebooks.fragment(uri);
      if (fragment) fragments.push(fragment);
      continue;
    }
    const cached = await ctx.analyses.analyseCurrent(uri);
    if (cached?.fragment) fragments.push(cached.fragment);
  }
  if (!params.uris?.length && ctx.graph.folders.length) {
    const settings = await ctx.settings.settingsFor(ctx.graph.folders[0]);
    fragments.push(...ctx.graph.fragmentsOnDisk(new Set(uris), settings));
  }
  return mergeFragments(fragments);
}

/** The request's params, checked (null or absent: the whole workspace), or undefined when malformed. */
function pipelineGraphParams(p: unknown): PipelineGraphParams | undefined {
  if (p === null || p === undefined) return {};
  if (typeof p !== 'object' || Array.isArray(p)) return undefined;
  const uris = (p as { uris?: unknown }).uris;
  if (uris === undefined || uris === null) return {};
  return Array.isArray(uris) && uris.every((u) => typeof u === 'string') ? { uris } : undefined;
}
