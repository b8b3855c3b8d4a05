import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { PySparkArchitectServer } from './lsp/server';
import { PythonParser } from './parsing/pythonParser';

// Process entry: `node dist/server.js --stdio` (or --node-ipc / --socket, as vscode-languageserver parses argv).
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
