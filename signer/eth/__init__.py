"""Ethereum clear signing: decode transactions, EIP-712 typed data and personal messages into a
typed review, run the risk rules (signer.risk) and sign with eth-account.

Heavy libraries (eth-account, eth_abi) are imported lazily inside the functions that need them.
"""
