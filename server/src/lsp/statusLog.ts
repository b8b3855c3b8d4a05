import type { Connection } from 'vscode-languageserver';
import { FileStatusNotification, type FileStatus } from '../../../shared/protocol';
import { VERSION } from '../../../shared/version';
import type { Settings } from '../../../shared/settings';

/**
 * What the server tells the user about itself, in the client's output and status item: its
 * version at start, the settings each file is analysed with (once per distinct value), each
 * analysis (file, time, findings or why it was skipped) at debug level when
 * `pysparkArchitect.trace.server` is not off, and a `pysparkArchitect/fileStatus` notification
 * to clients that asked for it. Errors go to `connection.console.error` where they happen.
 */
export class StatusLog {
  private readonly loggedSettings = new Set<string>();
  fileStatus = false;

  constructor(private readonly connection: Connection) {}

  started(details: string): void {
    this.connection.console.info(`PySpark Architect ${VERSION} (Node ${process.version}): ${details}`);
  }

  settings(scope: string, settings: Settings): void {
    const json = JSON.stringify(settings);
    if (this.loggedSettings.has(json)) return;
    this.loggedSettings.add(json);
    this.connection.console.info(`settings (${scope}): ${json}`);
  }

  analysed(status: FileStatus, settings: Settings | undefined): void {
    if (settings && settings['trace.server'] !== 'off') {
      const what = status.skipped ? `skipped: ${status.skipped}` : `${status.findings} finding${status.findings === 1 ? '' : 's'}`;
      this.connection.console.debug(`${fileName(status.uri)} v${status.version}: ${what} (${status.ms.toFixed(1)} ms)`);
    }
    if (this.fileStatus) void this.connection.sendNotification(FileStatusNotification, status).catch(() => undefined);
  }

  /** Where an analysis's time went (`AnalysisTrace`; only under `trace.server: verbose`). */
  trace(uri: string, version: number, summary: Record<string, unknown>): void {
    this.connection.console.debug(`trace ${fileName(uri)}@${version} ${JSON.stringify(summary)}`);
  }

  /** An analysis stopped because the document (or what else it reads) moved on; `busyMs`: the work thrown away. */
  stopped(uri: string, version: number, busyMs: number, settings: Settings | undefined): void {
    if (settings && settings['trace.server'] !== 'off')
      this.connection.console.debug(`${fileName(uri)} v${version}: stopped, outdated (${busyMs.toFixed(1)} ms)`);
  }
}

function fileName(uri: string): string {
  return decodeURIComponent(uri.split('/').pop() ?? uri);
}
