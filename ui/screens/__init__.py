"""Reusable screens (menus, messages, confirmations, text entry, QR display, scanning, review)."""
