import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { PythonParser } from '../parsing/pythonParser';
import { PySparkArchitectServer } from './server';

const TRANSPORT = /^--(stdio|node-ipc|socket=|pipe=)/;

/**
 * Runs the language server in this process: `node dist/server.js --stdio` (the VS Code client
 * uses --node-ipc) and `pyspark-architect server [--stdio]` from the npm package, for other
 * editors. vscode-languageserver reads the transport from argv; without one, stdio.
 */
export function startServer(): void {
  if (!process.argv.slice(2).some((a) => TRANSPORT.test(a))) process.argv.push('--stdio');
  const connection = createConnection(ProposedFeatures.all);
  const ready = PythonParser.load();
  let server: PySparkArchitectServer | undefined;

  connection.onInitialize(async (params) => {
    server = new PySparkArchitectServer(connection, await ready);
    server.register();
    return server.initialize(params);
  });

  process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? String(e)}`));
  process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${String(e)}`));
  connection.listen();
}
