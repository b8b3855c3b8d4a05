import * as path from 'node:path';
import { findProjectConfig, type ProjectConfig } from './pyproject';

/**
 * The `[tool.pyspark-architect]` tables of a run (CLI) or a session (server): looked up per file,
 * each pyproject.toml read once, and its problems reported once.
 */
export class ProjectConfigs {
  private readonly cache = new Map<string, ProjectConfig | null>();
  private readonly reported = new Set<string>();

  constructor(private readonly warn: (message: string) => void) {}

  /** The table of the pyproject.toml nearest to `file` (a path), if any. */
  nearest(file: string): ProjectConfig | undefined {
    const project = findProjectConfig(path.dirname(path.resolve(file)), this.cache);
    if (project?.problems.length && !this.reported.has(project.file)) {
      this.reported.add(project.file);
      for (const problem of project.problems) this.warn(`${problem} (ignored)`);
    }
    return project;
  }

  /** A pyproject.toml changed: read them again (problems already reported are not repeated). */
  clear(): void {
    this.cache.clear();
  }
}
