"""Token approvals of an Ethereum account: scan, flags, batch revoke through the device, reminders."""
