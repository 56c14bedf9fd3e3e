"""The demo's seed, shared by the device tour (app/demo.py) and the companion tour (app/companion_tour.py).

The public test mnemonic "abandon ... about": never put funds on it.
"""

from __future__ import annotations

DEMO_MNEMONIC = " ".join(["abandon"] * 11 + ["about"])
DEMO_LABEL = "DEMO (never fund)"
DEMO_PASSWORD = "demo password"
