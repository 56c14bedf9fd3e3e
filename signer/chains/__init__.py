"""Every chain in one shape: the contract (``contract``), the registry the CLI and the device read
(``registry``), the keys reviews and signatures use (``keys``: a seed's, or watch-only keys built
from account exports), and the built-in chains: Bitcoin PSBTs and BIP-322 proofs (``bitcoin``),
Bitcoin sign-message requests (``bitcoin_message``), Ethereum requests (``ethereum``); and the QR
assembler the device and the CLI scan with, checking the payloads the chains sign (``scanning``)."""
