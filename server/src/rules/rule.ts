import type { Settings } from '../../../shared/settings';
import type { CodeContext } from '../context/codeContext';
import type { Fix, Finding, RelatedLocation, Severity } from '../findings';
import type { SparkFunctions } from '../spark/functions';
import type { DataFrameModel } from '../model/types';
import type { RawGraph } from '../graph/pipelineGraph';
import type { Node } from '../parsing/pythonParser';

export interface RuleContext {
  readonly model: DataFrameModel;
  readonly functions: SparkFunctions;
  readonly text: string;
  readonly settings: Settings;
  /** What kind of code each node sits in (job, notebook, test, generator, managed pipeline). */
  readonly code: CodeContext;
  /** What the other files of the project do (their datasets and steps), when known. */
  readonly workspace?: RawGraph;
  /** This file's URI, to leave out of `workspace` (which may hold an older version of it). */
  readonly workspaceExclude?: string;
  report(finding: {
    node?: Node;
    start?: number;
    end?: number;
    /**
     * With `start`: an expression starting at `start`, whose code context (the definitions around
     * it) is the finding's. Spares the search from the root for the node at `start`, a walk over
     * the file's top-level statements per finding (PSA401 reports one per sink).
     */
    at?: Node;
    message: string;
    severity?: Severity;
    related?: RelatedLocation[];
    fixes?: Fix[];
    /** What in this code made the rule speak, when it knows: shown with the finding (hover, JSON). */
    why?: string;
  }): void;
}

export interface Rule {
  readonly code: string;
  readonly name: string;
  /** One line for rule tables and `--help`. */
  readonly summary: string;
  readonly defaultSeverity: Severity;
  check(ctx: RuleContext): void;
}

export function related(node: Node, message: string): RelatedLocation {
  return { start: node.startIndex, end: node.endIndex, message };
}

export type { Finding };
