import type { Connection } from 'vscode-languageserver';
import { fileURLToPath } from 'node:url';
import { SECTION, resolveSettings, type Settings } from '../../../shared/settings';
import { ProjectConfigs } from '../project/projectConfigs';
import { applyProjectConfig, type EffectiveConfig, type ProjectConfig } from '../project/pyproject';
import type { StatusLog } from './statusLog';

/**
 * The settings each document is analysed with: the client's `pysparkArchitect.*` settings (asked
 * per document when the client answers `workspace/configuration`, else pushed or given at
 * initialize), under the `[tool.pyspark-architect]` table of the nearest pyproject.toml.
 */
export class ServerSettings {
  private readonly cache = new Map<string, Promise<Settings>>();
  private readonly projects: ProjectConfigs;
  private pushed: unknown;
  private initial: unknown;
  /** The client answers `workspace/configuration` requests. */
  configurationRequests = false;
  /** An untrusted workspace's pyproject.toml may narrow the analysis, never add regexes to run. */
  trusted = true;

  constructor(
    private readonly connection: Connection,
    private readonly status: StatusLog,
  ) {
    this.projects = new ProjectConfigs((m) => this.connection.console.warn(m));
  }

  /** The settings given in `initializationOptions`, used until the client pushes or answers others. */
  initialize(settings: unknown): void {
    this.initial = settings;
  }

  settingsFor(uri: string): Promise<Settings> {
    let p = this.cache.get(uri);
    if (!p) {
      p = (async () => {
        let raw: unknown = this.pushed ?? this.initial;
        if (this.configurationRequests) {
          try {
            [raw] = await this.connection.workspace.getConfiguration([{ scopeUri: uri, section: SECTION }]);
          } catch {
            // A client that advertised configuration but fails the request: keep what we have.
          }
        }
        const { settings, problems } = resolveSettings(raw);
        for (const problem of problems) this.connection.console.warn(problem);
        this.status.settings(uri, settings);
        return settings;
      })();
      this.cache.set(uri, p);
    }
    return p;
  }

  /** `[tool.pyspark-architect]` of the nearest pyproject.toml, under the editor's settings. */
  withProjectConfig(uri: string, settings: Settings): EffectiveConfig {
    if (!uri.startsWith('file:')) return { settings };
    let project: ProjectConfig | undefined;
    try {
      project = this.projects.nearest(fileURLToPath(uri));
    } catch {
      project = undefined;
    }
    return applyProjectConfig(settings, project, this.trusted);
  }

  /** `workspace/didChangeConfiguration`: the pushed settings (if any) replace the known ones. */
  changed(pushed: unknown): void {
    this.pushed = pushed;
    this.cache.clear();
    this.projects.clear();
  }

  /** A pyproject.toml changed on disk. */
  projectFilesChanged(): void {
    this.projects.clear();
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
