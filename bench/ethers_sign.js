// The ethers anchor for `make bench`: the same work as `airlock sign` of a raw unsigned transaction
// or of EIP-712 typed data, as one whole process. Reads the mnemonic file and the request file (0x-hex
// of the unsigned transaction, or eth_signTypedData_v4 JSON), derives m/44'/60'/0'/0/0 and prints the
// signed transaction, or the 65-byte signature, as 0x-hex.
//   node bench/ethers_sign.js WORDS_FILE REQUEST_FILE    (NODE_PATH=.tools/node_modules)
"use strict";

const fs = require("fs");
const { HDNodeWallet, Transaction } = require("ethers");

async function main() {
  const [wordsFile, requestFile] = process.argv.slice(2);
  const words = fs.readFileSync(wordsFile, "utf8").trim();
  const request = fs.readFileSync(requestFile, "utf8").trim();
  const wallet = HDNodeWallet.fromPhrase(words, undefined, "m/44'/60'/0'/0/0");
  if (request.startsWith("{")) {
    const typed = JSON.parse(request);
    const types = { ...typed.types };
    delete types.EIP712Domain; // ethers derives the domain's type from the domain itself
    process.stdout.write((await wallet.signTypedData(typed.domain, types, typed.message)) + "\n");
    return;
  }
  process.stdout.write((await wallet.signTransaction(Transaction.from(request))) + "\n");
}

main().catch((err) => {
  process.stderr.write(`ethers could not sign: ${err.message}\n`);
  process.exit(1);
});
