/** Custom LSP messages, declared once for the server, the client and the webview. */
export const SERVER_NAME = 'PySpark Architect';
export const DIAGNOSTIC_SOURCE = 'pyspark-architect';
