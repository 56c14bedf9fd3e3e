"""Device drivers: display, input, camera, printer, platform checks.

Each kind has one small interface (``base.py`` in its package) and several backends, every backend
with a simulated twin that the tests and the emulator use. This package imports nothing of ours: it
deals in PIL images, numpy arrays, bytes and :class:`hardware.input.ButtonEvent` objects. Heavy or
optional libraries (numpy, Pillow, cv2, pygame, spidev, gpiozero, picamera2) are imported inside the
functions that need them, so importing a backend module costs nothing until it is used.
"""
