// CPU per keystroke of the comment take-over (issue 18, server/src/lsp/commentEdit.ts), in process:
// a generated file opened in a server's document store and analysed, then `x` typed 40 times into a
// comment line above the first function after the middle; each keystroke's store edit, take-over
// (`reuseAfterCommentEdit`, absent on builds without it) and analysis, CPU of this thread, medians.
//   node scripts/bench/comment-takeover.mjs <repository folder, built: out/> [lines=5000]
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
const dir = (await import('node:path')).resolve(process.argv[2] ?? '.');
const lines = Number(process.argv[3] ?? 5000);
const require = createRequire(import.meta.url);
const { generatePipeline } = await import(`${dir}/scripts/bench/generate.mjs`);
const { createConnection, ProposedFeatures } = require(`${dir}/node_modules/vscode-languageserver/node`);
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require(`${dir}/node_modules/vscode-jsonrpc/node`);
const { PySparkArchitectServer } = require(`${dir}/out/server/src/lsp/server`);
const { PythonParser } = require(`${dir}/out/server/src/parsing/pythonParser`);
const parser = await PythonParser.load();
const toServer = new PassThrough(),
  toClient = new PassThrough();
const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
let server;
connection.onInitialize((p) => {
  server = new PySparkArchitectServer(connection, parser);
  server.register();
  return server.initialize(p);
});
connection.listen();
const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
client.listen();
await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: {} });
await client.sendNotification('initialized', {});
const text = generatePipeline(lines, lines);
const ls = text.split('\n');
let line = Math.floor(ls.length / 2);
while (!/^def /.test(ls[line])) line++;
ls.splice(line, 0, '# ');
const uri = 'file:///p/edit.py';
server.documents.open(uri, 'python', 1, ls.join('\n'));
await server.analyses.analyse(uri, server.documents.get(uri));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const edits = [],
  reuse = [],
  full = [];
let version = 1,
  taken = 0;
for (let k = 0; k < 40; k++) {
  const at = { line, character: 2 + k };
  const c0 = cpu();
  server.documents.change(uri, ++version, [{ range: { start: at, end: at }, text: 'x' }]);
  const c1 = cpu();
  const stored = server.documents.get(uri);
  const r = server.analyses.reuseAfterCommentEdit?.(uri, stored);
  const c2 = cpu();
  if (r) taken++;
  const e = await server.analyses.analyse(uri, stored);
  const c3 = cpu();
  if (k >= 2) {
    edits.push(c1 - c0);
    reuse.push(c2 - c1);
    full.push(c3 - c2);
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `${dir} ${lines} lines: edit+parse ${med(edits).toFixed(1)} ms, reuse check+take-over ${med(reuse).toFixed(1)} ms, analyse after it ${med(full).toFixed(1)} ms (CPU, median of ${edits.length}); taken over ${taken} of 40; load ${(
    await import('node:os')
  )
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
process.exit(0);
