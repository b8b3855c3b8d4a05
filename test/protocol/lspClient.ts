import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { serverEnvAdditions } from '../../shared/serverProcess';

export const SERVER = path.resolve(__dirname, '../../../dist/server.js');

/** The built server over stdio, driven as an editor would drive it. */
export class LspClient {
  readonly connection: MessageConnection;
  readonly proc: ChildProcess;
  readonly diagnostics = new Map<string, { version?: number; diagnostics: any[] }[]>();
  readonly logs: string[] = [];
  readonly messages: string[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    readonly settings: unknown = {},
    env: Record<string, string> = {},
    /** The server's script (the bench compares builds: `bench.mjs --server=...`). */
    server = SERVER,
  ) {
    // The server's process settings as the VS Code client starts it (shared/serverProcess.ts); `env` wins.
    this.proc = spawn(process.execPath, [server, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...serverEnvAdditions(process.env), ...env },
    });
    this.proc.stderr!.on('data', (d) => this.logs.push(String(d)));
    this.connection = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: any) => {
      const list = this.diagnostics.get(p.uri) ?? [];
      list.push({ version: p.version, diagnostics: p.diagnostics });
      this.diagnostics.set(p.uri, list);
      this.wake();
    });
    this.connection.onNotification('window/logMessage', (p: any) => {
      this.logs.push(p.message);
      this.wake();
    });
    this.connection.onNotification('window/showMessage', (p: any) => {
      this.messages.push(p.message);
      this.wake();
    });
    this.connection.onRequest('window/showMessageRequest', (p: any) => {
      this.messages.push(p.message);
      this.wake();
      return null;
    });
    this.connection.onRequest('workspace/configuration', (p: any) => p.items.map(() => this.settings));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/diagnostic/refresh', () => null);
    this.connection.listen();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async initialize(
    capabilities: Record<string, unknown> = { workspace: { configuration: true }, textDocument: { publishDiagnostics: { relatedInformation: true } } },
    rootUri: string | null = null,
  ): Promise<any> {
    const result = await this.connection.sendRequest('initialize', { processId: process.pid, rootUri, capabilities });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
  }

  /** Waits (with a deadline, no fixed sleeps) until `predicate` holds for the published diagnostics. */
  async waitFor<T>(predicate: () => T | undefined, what: string, ms = 10_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = predicate();
      if (v !== undefined && v !== false) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; server log:\n${this.logs.join('')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  latest(uri: string): { version?: number; diagnostics: any[] } | undefined {
    const list = this.diagnostics.get(uri);
    return list?.[list.length - 1];
  }

  async stop(): Promise<number | null> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    const code = await new Promise<number | null>((resolve) => {
      if (this.proc.exitCode !== null) return resolve(this.proc.exitCode);
      const t = setTimeout(() => {
        this.proc.kill();
        resolve(null);
      }, 3000);
      this.proc.on('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    this.connection.dispose();
    return code;
  }
}
