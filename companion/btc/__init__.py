"""The companion's Bitcoin side: accounts imported from the device's exports, BDK wallets, chain sources."""
