"""Everything that crosses the air gap: QR payload formats, frame rendering and decoding."""
