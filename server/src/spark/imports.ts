import type { ImportInfo } from '../model/types';
import type { Node } from '../parsing/pythonParser';
import { sameNode } from '../parsing/syntax';

/** What an import statement says about PySpark: is it used, and under which names are its functions. */
export function recordImport(node: Node, imports: ImportInfo): void {
  const text = node.text;
  // AWS Glue's `awsglue` is PySpark underneath (its GlueContext wraps a SparkContext).
  if (/\b(pyspark|awsglue)\b/.test(text)) imports.usesPySpark = true;
  if (node.type === 'import_statement') {
    for (const c of node.namedChildren) {
      if (c?.type === 'aliased_import' && c.childForFieldName('name')?.text === 'pyspark.sql.functions') {
        const alias = c.childForFieldName('alias');
        if (alias) imports.functionsAliases.add(alias.text);
      }
    }
    return;
  }
  if (node.type !== 'import_from_statement') return;
  const module = node.childForFieldName('module_name')?.text.replace(/\s/g, '');
  const names: { name: string; alias: string }[] = [];
  let star = false;
  for (const c of node.namedChildren) {
    if (!c || sameNode(c, node.childForFieldName('module_name'))) continue;
    if (c.type === 'wildcard_import') star = true;
    else if (c.type === 'dotted_name') names.push({ name: c.text, alias: c.text });
    else if (c.type === 'aliased_import') {
      const n = c.childForFieldName('name')?.text;
      const a = c.childForFieldName('alias')?.text;
      if (n && a) names.push({ name: n, alias: a });
    }
  }
  if (module === 'pyspark.sql.functions') {
    if (star) imports.functionsStar = true;
    for (const n of names) imports.functionNames.add(n.alias);
  } else if (module === 'pyspark.sql' || module?.startsWith('pyspark.sql.')) {
    for (const n of names) {
      if (n.name === 'functions') imports.functionsAliases.add(n.alias);
      else imports.sqlNames.add(n.alias);
    }
  }
}
