"""Errors raised by the hardware layer.

``hardware`` imports nothing of ours, so these do not derive from ``signer.errors.AirlockError``; the
app wiring maps :class:`HardwareError` to the CLI's error output. Messages name the device or file
and the fix, never any frame content.
"""


class HardwareError(Exception):
    """Base of every error the hardware layer raises on purpose."""


class BackendUnavailable(HardwareError):
    """A backend's library or device is missing here (e.g. spidev off a Pi, no picamera2)."""


class DeviceError(HardwareError):
    """A device that exists failed while in use (I/O error, device gone)."""


class DeviceStalled(DeviceError):
    """A device that was working stopped answering: nothing arrived within its timeout."""


class ConfigError(HardwareError):
    """A backend was configured or called with values it cannot use (bad size, pin, level, script)."""


class InvalidFrame(ConfigError):
    """An image handed to a display or printer is not something it can show or print."""


class PanelProtocolError(HardwareError):
    """The simulated panel or printer received a byte stream the real device would misread."""
