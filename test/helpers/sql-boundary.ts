import ts from 'typescript';

/** Something in a source file that only src/storage/ may do, with where it is. */
export interface BoundaryViolation {
  readonly file: string;
  readonly line: number;
  readonly what: string;
}

/** The database libraries: only the storage layer loads them. */
const DATABASE_MODULES = /^(kysely|better-sqlite3)(\/|$)/;
/** kysely's query builders: a call of one of these builds SQL. */
const QUERY_BUILDERS = new Set(['selectFrom', 'selectNoFrom', 'insertInto', 'replaceInto', 'updateTable', 'deleteFrom', 'mergeInto']);
/** Calls that run a statement given as text (better-sqlite3, node:sqlite): flagged when their text starts as SQL does. */
const STATEMENT_RUNNERS = new Set(['prepare', 'exec', 'pragma']);
const SQL_START = /^\s*(select|insert|update|delete|replace|with|begin|commit|rollback|pragma|create|alter|drop|vacuum|attach)\b/i;

/**
 * SQL naming a table, in a string or template literal (comments are not literals, so prose
 * there is never read). Each needs SQL's own shape around the name, so English that mentions
 * "touches" does not match.
 */
function sqlAgainst(tables: readonly string[]): RegExp[] {
  const t = `["\`]?(${tables.map((n) => n.replace(/[^a-z0-9_]/gi, '')).join('|')})["\`]?`;
  return [
    new RegExp(`\\bselect\\s+[\\w\\s,.*()"'|:=<>-]{1,400}?\\bfrom\\s+${t}(\\s|$|,|\\)|;)`, 'i'),
    new RegExp(`\\binsert\\s+(or\\s+\\w+\\s+)?into\\s+${t}\\s*(\\(|values\\b|select\\b|default\\b|$)`, 'i'),
    new RegExp(`\\breplace\\s+into\\s+${t}\\s*(\\(|values\\b|$)`, 'i'),
    new RegExp(`\\bupdate\\s+(or\\s+\\w+\\s+)?${t}\\s+set\\s+\\w+\\s*=`, 'i'),
    new RegExp(`\\bdelete\\s+from\\s+${t}(\\s+where\\b|\\s*;|\\s*$)`, 'i'),
    new RegExp(`\\bjoin\\s+${t}(\\s+(as\\s+)?\\w+)?\\s+(on|using)\\b`, 'i'),
    new RegExp(`\\b(alter|drop)\\s+table\\s+(if\\s+exists\\s+)?${t}\\b`, 'i'),
    new RegExp(`\\bcreate\\s+(unique\\s+)?index\\s+[\\w\\s]*?\\bon\\s+${t}\\s*\\(`, 'i'),
  ];
}

/** What a node's literal text is, when it is a string or a template (its fixed parts). */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => `\${} ${s.literal.text}`)].join('');
  return undefined;
}

/** The module a static or dynamic import, a re-export or a require() names, if any. */
function moduleNamed(node: ts.Node): string | undefined {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) return node.moduleSpecifier.text;
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
    return node.moduleReference.expression.text;
  }
  if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0]!)
    && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
    return node.arguments[0].text;
  }
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) return node.argument.literal.text;
  return undefined;
}

/**
 * What in one source file belongs to the storage layer: an import of kysely or better-sqlite3,
 * a query builder call, an `sql` template, a statement run from text, or SQL naming a table.
 */
export function boundaryViolations(file: string, source: string, tables: readonly string[]): BoundaryViolation[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const patterns = sqlAgainst(tables);
  const out: BoundaryViolation[] = [];
  const flag = (node: ts.Node, what: string) => out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what });
  const visit = (node: ts.Node): void => {
    const module = moduleNamed(node);
    if (module !== undefined && DATABASE_MODULES.test(module)) flag(node, `imports ${module}`);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name.text;
      if (QUERY_BUILDERS.has(name)) flag(node, `builds a query (.${name})`);
      const text = node.arguments[0] && literalText(node.arguments[0]);
      if (STATEMENT_RUNNERS.has(name) && text !== undefined && SQL_START.test(text)) flag(node, `runs SQL (.${name})`);
    }
    if (ts.isTaggedTemplateExpression(node)) {
      const tag = node.tag;
      const root = ts.isPropertyAccessExpression(tag) ? tag.expression : tag;
      if (ts.isIdentifier(root) && root.text === 'sql') flag(node, 'writes an sql`…` template');
    }
    const text = literalText(node);
    if (text !== undefined) {
      const hit = patterns.map((p) => p.exec(text)).find((m) => m !== null);
      if (hit) flag(node, `names table ${tables.find((t) => new RegExp(`\\b${t}\\b`, 'i').test(hit[0])) ?? '?'} in SQL: "${hit[0].trim().slice(0, 60)}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
