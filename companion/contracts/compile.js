// Compile TestTokens.sol offline with solc-js (npm `solc`) against npm `@openzeppelin/contracts`.
// Usage: node compile.js TOOLS_NODE_MODULES OUT.json  -> {"solc": version, "contracts": {Name: {abi, bytecode}}}
"use strict";
const fs = require("fs");
const path = require("path");

const [modules, out] = process.argv.slice(2);
const solc = require(path.join(modules, "solc"));
const source = fs.readFileSync(path.join(__dirname, "TestTokens.sol"), "utf8");

function findImports(name) {
    const file = path.join(modules, name);
    if (!file.startsWith(modules + path.sep)) return { error: `outside node_modules: ${name}` };
    try {
        return { contents: fs.readFileSync(file, "utf8") };
    } catch (err) {
        return { error: `not found: ${name}` };
    }
}

const input = {
    language: "Solidity",
    sources: { "TestTokens.sol": { content: source } },
    settings: {
        optimizer: { enabled: true, runs: 200 },
        evmVersion: "cancun",
        outputSelection: { "TestTokens.sol": { "*": ["abi", "evm.bytecode.object"] } },
    },
};
const result = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (result.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
    for (const e of errors) console.error(e.formattedMessage);
    process.exit(1);
}
const contracts = {};
for (const [name, c] of Object.entries(result.contracts["TestTokens.sol"])) {
    contracts[name] = { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
}
fs.writeFileSync(out + ".tmp", JSON.stringify({ solc: solc.version(), contracts }));
fs.renameSync(out + ".tmp", out);
