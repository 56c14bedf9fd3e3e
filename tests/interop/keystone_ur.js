// Keystone's UR registry (what MetaMask, BlueWallet and Keystone's own apps use) as a test oracle.
//
// One JSON request per line on stdin, one JSON answer per line on stdout:
//   {"op": "read", "lib": "base" | "eth", "parts": ["UR:CRYPTO-ACCOUNT/..."]}
//       -> what the library understood: {"type", ...fields} or {"error": "..."}
//   {"op": "write", "lib": "base" | "eth", "item": {...}, "max_fragment": N, "parts": K}
//       -> {"ur": "ur:...", "parts": [K parts]} written by the library, for Airlock to read
// "eth" reads through @keystonehq/bc-ur-registry-eth, the package MetaMask's QR keyring imports
// (it carries its own copy of the base registry).
"use strict";

const readline = require("readline");

const LIBS = {
  base: require("@keystonehq/bc-ur-registry"),
  eth: require("@keystonehq/bc-ur-registry-eth"),
};

const hex = (buf) => (buf === undefined || buf === null ? null : Buffer.from(buf).toString("hex"));

function keypath(path) {
  if (!path) return null;
  return {
    path: path.getPath() === undefined ? null : path.getPath(),
    source_fingerprint: hex(path.getSourceFingerprint()),
    depth: path.getDepth() === undefined ? null : path.getDepth(),
  };
}

function hdkey(key) {
  const info = key.getUseInfo();
  return {
    kind: "hdkey",
    xpub: key.getBip32Key(),
    key: hex(key.getKey()),
    chain_code: hex(key.getChainCode()),
    origin: keypath(key.getOrigin()),
    children: keypath(key.getChildren()),
    parent_fingerprint: hex(key.getParentFingerprint()),
    use_info: info ? { type: info.getType(), network: info.getNetwork() } : null,
    name: key.getName() === undefined ? null : key.getName(),
    note: key.getNote() === undefined ? null : key.getNote(),
  };
}

function anyKey(lib, key) {
  if (key instanceof lib.CryptoHDKey) return hdkey(key);
  return { kind: "eckey", key: hex(key.getData()) };
}

function output(lib, out) {
  const result = {
    scripts: out.getScriptExpressions().map((se) => se.getExpression()),
    descriptor: out.toString(),
  };
  const multi = out.getMultiKey();
  if (multi) {
    result.threshold = multi.getThreshold();
    result.keys = multi.getKeys().map((k) => anyKey(lib, k));
  } else {
    result.keys = [anyKey(lib, out.getCryptoKey())];
  }
  return result;
}

function read(lib, parts) {
  const decoder = new lib.URRegistryDecoder();
  for (const part of parts) decoder.receivePart(part);
  if (!decoder.isSuccess()) {
    return { error: decoder.isError() ? decoder.resultError() : "incomplete" };
  }
  const ur = decoder.resultUR();
  const cbor = ur.cbor;
  switch (ur.type) {
    case "crypto-account": {
      const account = lib.CryptoAccount.fromCBOR(cbor);
      return {
        type: ur.type,
        master_fingerprint: hex(account.getMasterFingerprint()),
        outputs: account.getOutputDescriptors().map((o) => output(lib, o)),
      };
    }
    case "crypto-output":
      return { type: ur.type, ...output(lib, lib.CryptoOutput.fromCBOR(cbor)) };
    case "crypto-hdkey":
      return { type: ur.type, ...hdkey(lib.CryptoHDKey.fromCBOR(cbor)) };
    case "crypto-psbt":
      return { type: ur.type, psbt: hex(lib.CryptoPSBT.fromCBOR(cbor).getPSBT()) };
    case "bytes":
      return { type: ur.type, data: hex(lib.Bytes.fromCBOR(cbor).getData()) };
    case "eth-signature": {
      const sig = lib.ETHSignature.fromCBOR(cbor);
      return {
        type: ur.type,
        signature: hex(sig.getSignature()),
        request_id: hex(sig.getRequestId()),
        origin: sig.getOrigin() === undefined ? null : sig.getOrigin(),
      };
    }
    case "eth-sign-request": {
      const req = lib.EthSignRequest.fromCBOR(cbor);
      return {
        type: ur.type,
        sign_data: hex(req.getSignData()),
        data_type: req.getDataType(),
        chain_id: req.getChainId() === undefined ? null : req.getChainId(),
        path: req.getDerivationPath(),
        source_fingerprint: hex(req.getSourceFingerprint()),
        request_id: hex(req.getRequestId()),
        address: hex(req.getSignRequestAddress()),
        origin: req.getOrigin() === undefined ? null : req.getOrigin(),
      };
    }
    default:
      return { error: `no reader for ur:${ur.type}` };
  }
}

function makeKeypath(lib, spec) {
  if (!spec) return undefined;
  const components = (spec.path ? spec.path.split("/") : []).map((step) => {
    const hardened = step.endsWith("'") || step.endsWith("h");
    const body = hardened ? step.slice(0, -1) : step;
    return new lib.PathComponent(body === "*" ? { hardened } : { index: Number(body), hardened });
  });
  const fp = spec.source_fingerprint ? Buffer.from(spec.source_fingerprint, "hex") : undefined;
  return new lib.CryptoKeypath(components, fp, spec.depth === null ? undefined : spec.depth);
}

function makeHDKey(lib, spec) {
  return new lib.CryptoHDKey({
    isMaster: false,
    key: Buffer.from(spec.key, "hex"),
    chainCode: spec.chain_code ? Buffer.from(spec.chain_code, "hex") : undefined,
    useInfo: spec.use_info ? new lib.CryptoCoinInfo(spec.use_info.type, spec.use_info.network) : undefined,
    origin: makeKeypath(lib, spec.origin),
    children: makeKeypath(lib, spec.children),
    parentFingerprint: spec.parent_fingerprint ? Buffer.from(spec.parent_fingerprint, "hex") : undefined,
    name: spec.name || undefined,
    note: spec.note || undefined,
  });
}

const SCRIPT_NAMES = {
  sh: "SCRIPT_HASH",
  wsh: "WITNESS_SCRIPT_HASH",
  pk: "PUBLIC_KEY",
  pkh: "PUBLIC_KEY_HASH",
  wpkh: "WITNESS_PUBLIC_KEY_HASH",
  multi: "MULTISIG",
  sortedmulti: "SORTED_MULTISIG",
};

function makeOutput(lib, spec) {
  const scripts = spec.scripts.map((name) => lib.ScriptExpressions[SCRIPT_NAMES[name]]);
  const key = spec.threshold
    ? new lib.MultiKey(spec.threshold, spec.keys.map((k) => makeHDKey(lib, k)))
    : makeHDKey(lib, spec.keys[0]);
  return new lib.CryptoOutput(scripts, key);
}

function write(lib, item, maxFragment, count) {
  let obj;
  switch (item.type) {
    case "crypto-account":
      obj = new lib.CryptoAccount(
        Buffer.from(item.master_fingerprint, "hex"),
        item.outputs.map((o) => makeOutput(lib, o)),
      );
      break;
    case "crypto-output":
      obj = makeOutput(lib, item);
      break;
    case "crypto-hdkey":
      obj = makeHDKey(lib, item);
      break;
    case "crypto-psbt":
      obj = new lib.CryptoPSBT(Buffer.from(item.psbt, "hex"));
      break;
    case "bytes":
      obj = new lib.Bytes(Buffer.from(item.data, "hex"));
      break;
    case "eth-sign-request":
      obj = lib.EthSignRequest.constructETHRequest(
        Buffer.from(item.sign_data, "hex"),
        item.data_type,
        item.path,
        item.source_fingerprint,
        item.request_id,
        item.chain_id,
        item.address || undefined,
        item.origin || undefined,
      );
      break;
    default:
      throw new Error(`cannot write ${item.type}`);
  }
  const encoder = obj.toUREncoder(maxFragment || 100000);
  const parts = [];
  for (let i = 0; i < (count || 1); i++) parts.push(encoder.nextPart());
  return { ur: parts[0], parts };
}

function answer(request) {
  const lib = LIBS[request.lib || "base"];
  try {
    if (request.op === "read") return read(lib, request.parts);
    if (request.op === "write") return write(lib, request.item, request.max_fragment, request.parts);
    return { error: `unknown op ${request.op}` };
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  if (!line.trim()) return;
  process.stdout.write(JSON.stringify(answer(JSON.parse(line))) + "\n");
});
