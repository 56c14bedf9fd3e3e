"""Cameras: one interface (:class:`Camera`), backends picamera2, OpenCV, frames from files/video/a folder.

Backend modules are imported on use, e.g. ``from hardware.camera.frames import FramesCamera``.
"""

from hardware.camera.base import Camera

__all__ = ["Camera"]
