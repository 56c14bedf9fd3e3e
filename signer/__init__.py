"""Airlock's offline core: keys, QR transport, Bitcoin and Ethereum review and signing.

Nothing under ``signer`` touches a network, the device's hardware or its screens.
"""

__version__ = "0.1.0"
