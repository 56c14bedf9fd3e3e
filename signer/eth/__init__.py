"""Ethereum clear signing: decode transactions, EIP-712 typed data and personal messages, the typed
review they make, and signing (libsecp256k1 through embit). The risk rules (signer.risk) read what
this package decodes; signer.chains.ethereum_review runs them, so this package never imports them.

Heavy libraries (eth_abi) are imported lazily inside the functions that need them.
"""
