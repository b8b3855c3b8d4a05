import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { FileStatusNotification, type FileStatus } from '../../shared/protocol';

export const STATUS_MENU_COMMAND = 'pysparkArchitect.statusMenu';

/** What the status item shows now (VS Code offers no API to read a language status item back). */
export interface StatusSnapshot {
  text: string;
  detail: string | undefined;
  severity: 'information' | 'warning' | 'error';
  busy: boolean;
  server: 'starting' | 'running' | 'stopped';
  /** The version of the active document the item describes (its last analysis or skip). */
  version: number | undefined;
}

/**
 * The language status item beside "Python" in the status bar: is the server running, was the
 * current file analysed (and in how long) or skipped (and why), how many findings; clicking it
 * offers the output, the settings and a restart.
 */
export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('pysparkArchitect.status', { language: 'python' });
  private readonly files = new Map<string, FileStatus>();
  private server: 'starting' | 'running' | 'stopped' = 'starting';
  /** Times the server reached the running state: a restart is seen as one more. */
  starts = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.item.name = 'PySpark Architect';
    this.item.command = { title: 'Options', command: STATUS_MENU_COMMAND, tooltip: 'Output, settings, restart' };
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidCloseTextDocument((d) => this.files.delete(d.uri.toString())),
      vscode.commands.registerCommand(STATUS_MENU_COMMAND, () => this.menu()),
    );
    this.render();
  }

  /** Follows a (new, after a restart) client: its state and its per-file notifications. */
  attach(client: LanguageClient): void {
    this.disposables.push(
      client.onDidChangeState((e) => {
        this.server = e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped';
        if (this.server === 'running') this.starts++;
        if (this.server !== 'running') this.files.clear();
        this.render();
      }),
      client.onNotification(FileStatusNotification, (status) => {
        this.files.set(status.uri, status);
        this.render();
      }),
    );
  }

  private render(): void {
    const item = this.item;
    item.busy = this.server === 'starting';
    item.severity = this.server === 'stopped' ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
    if (this.server !== 'running') {
      item.text = this.server === 'starting' ? 'PySpark Architect: starting' : '$(error) PySpark Architect: stopped';
      item.detail = this.server === 'stopped' ? 'the language server is not running: see the output, or restart it' : undefined;
      return;
    }
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const file = uri ? this.files.get(uri) : undefined;
    if (!file) {
      item.text = 'PySpark Architect';
      item.detail = 'waiting for the first analysis of this file';
    } else if (file.skipped) {
      item.text = '$(circle-slash) PySpark Architect: skipped';
      item.detail = file.skipped;
    } else {
      item.text = `$(check) PySpark Architect: ${file.findings} finding${file.findings === 1 ? '' : 's'}`;
      item.detail = `analysed in ${Math.round(file.ms)} ms`;
    }
  }

  snapshot(): StatusSnapshot {
    const { text, detail, busy } = this.item;
    const severity =
      this.item.severity === vscode.LanguageStatusSeverity.Error
        ? 'error'
        : this.item.severity === vscode.LanguageStatusSeverity.Warning
          ? 'warning'
          : 'information';
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const version = uri && this.server === 'running' ? this.files.get(uri)?.version : undefined;
    return { text, detail, severity, busy: !!busy, server: this.server, version };
  }

  private async menu(): Promise<void> {
    const picks: (vscode.QuickPickItem & { command: string; args?: unknown[] })[] = [
      { label: '$(output) Show Output', command: 'pysparkArchitect.showOutput' },
      { label: '$(gear) Open Settings', command: 'workbench.action.openSettings', args: ['@ext:pyspark-architect.pyspark-architect'] },
      { label: '$(debug-restart) Restart Language Server', command: 'pysparkArchitect.restartServer' },
    ];
    const pick = await vscode.window.showQuickPick(picks, { title: 'PySpark Architect' });
    if (pick) await vscode.commands.executeCommand(pick.command, ...(pick.args ?? []));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.item.dispose();
  }
}
