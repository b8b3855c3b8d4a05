import { format } from 'node:util';
import * as v8 from 'node:v8';
import { createConnection, IPCMessageReader, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { FramingRepair } from './framing';
import { ProtocolGate } from './protocolGate';
import { PySparkArchitectServer } from './server';
import { PythonParser } from '../parsing/pythonParser';
import { IpcMessageWriter, WrittenOutput } from './writtenOutput';

const TRANSPORT = /^--(stdio|node-ipc|socket=|pipe=)/;

/**
 * How far V8 lets the old generation grow past what survived the last full collection before it
 * collects again, in percent. Left to itself V8 picks up to 4x when the collector keeps up, and a
 * full collection never gives the pages back: with 500 files open, 76 MB survived and old space
 * stood at 322 MB after a forced collection (RSS 471 MB). At 50% it stood at 119 MB (RSS 261 MB).
 * Only the server: the CLI is short-lived and runs as fast as it can.
 */
export const HEAP_GROWING_PERCENT = 50;

/** A flag read at every collection, so it can be set once the process runs (unless the user set it). */
function boundHeapGrowth(): void {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /heap[-_]growing[-_]percent/.test(a));
  if (!given) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * Runs the language server in this process: `node dist/server.js --stdio` / `--node-ipc` (what VS
 * Code uses), and `pyspark-architect server [--stdio]` from the npm package for other editors.
 * stdio and node-ipc get the lifecycle gate and, on stdio, repaired framing; --socket / --pipe are
 * left to vscode-languageserver. Without a transport argument: stdio.
 */
export function startServer(): void {
  boundHeapGrowth();
  if (!process.argv.slice(2).some((a) => TRANSPORT.test(a))) process.argv.push('--stdio');
  const early: string[] = [];
  let log: (m: string) => void = (m) => void early.push(m);
  // The writer tells when messages are written: work left for after an answer waits for it (WrittenOutput).
  function transport(): [ProtocolGate, WrittenOutput] | undefined {
    if (process.argv.includes('--node-ipc')) {
      const writer = new WrittenOutput(new IpcMessageWriter(process));
      return [new ProtocolGate(new IPCMessageReader(process), writer), writer];
    }
    if (!process.argv.includes('--stdio')) return undefined;
    const writer = new WrittenOutput(new StreamMessageWriter(process.stdout));
    const input = process.stdin.pipe(new FramingRepair((problem) => log(problem)));
    // As vscode-languageserver does for stdio: the client closing stdin ends the server, and nothing
    // but protocol messages may reach stdout.
    const end = () => process.exit(gate?.shutdownReceived ? 0 : 1);
    process.stdin.on('end', end);
    process.stdin.on('close', end);
    console.log = console.info = (...args: unknown[]) => void process.stderr.write(format(...args) + '\n');
    return [new ProtocolGate(new StreamMessageReader(input), writer), writer];
  }
  const io = transport();
  // Read by transport()'s end handler, which only runs once stdin closes (after this line).
  const gate: ProtocolGate | undefined = io?.[0];
  const connection = io ? createConnection(ProposedFeatures.all, io[0], io[1]) : createConnection(ProposedFeatures.all);
  log = (m) => connection.console.error(m);
  for (const m of early.splice(0)) log(m);
  const ready = PythonParser.load();
  let server: PySparkArchitectServer | undefined;

  connection.onInitialize(async (params) => {
    server = new PySparkArchitectServer(connection, await ready, io?.[1]);
    server.register();
    return server.initialize(params);
  });

  process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? String(e)}`));
  process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${String(e)}`));
  connection.listen();
}
