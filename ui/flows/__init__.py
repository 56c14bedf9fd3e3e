"""The device's flows: each module builds the screens of one job and wires them together."""
