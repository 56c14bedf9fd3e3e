"""The companion's tests share one regtest node per module (tests/companion/regtest.py)."""

from regtest import regtest_node

__all__ = ["regtest_node"]
