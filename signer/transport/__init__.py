"""Everything that crosses the air gap: QR payload formats, frame rendering and decoding.

``assembler`` turns scanned frames into one typed ``payload``. Animated forms: ``ur`` (with
``fountain``, ``bytewords``, ``urtypes``), ``bbqr``, ``specter_parts`` (pMofN). Single QRs:
``seedqr``, ``mnemonic_text``, and ``plain`` (PSBT and transaction text, ``base43``, ``addresses``,
``bip21`` and ``eip681`` URIs, ``key_text``). ``frames`` renders and reads QR images.
"""
