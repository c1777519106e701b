/**
 * Imported first by main.ts, before anything that needs Node 24: on an older Node, NestJS 12 and the
 * Sui SDK fail to load with a cryptic ERR_REQUIRE_ESM, so the version is checked ahead of them.
 */
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `NFC Pay needs Node.js 24 or newer; this is Node ${process.versions.node}. ` +
      'Start it with `npm start` or `npm run start:prod` (they run the project\'s own Node 24 from its `node` devDependency), or install Node 24.',
  );
  process.exit(1);
}
