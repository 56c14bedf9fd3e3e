"""QR frames: encode a payload into (animated) QR images for a screen, and read QR codes from images.

Encoding sizes every frame for the screen it will be shown on. ``density`` picks the smallest
module size (in screen pixels) allowed: 6, 5, 4 or 3 px (density 0..3). The largest QR version
whose modules plus quiet zone fit the screen at that size bounds the frame's content, which fixes
the UR fragment length or the BBQr part count. Every frame of a set is rendered at the same QR
version and module size, so the code does not jump on screen while it animates. A second cap
(``max_version``, default 20 = 97 modules) keeps frames readable by a 640x480 camera even when a
laptop screen could show more.

Error correction: one frame that fits at M uses M; animated frames use L (a lost frame is shown
again or replaced by a rateless UR part, so density matters more). BBQr always uses L (its spec).

Decoding uses zxing-cpp on the gray frame and hands back each symbol's bytes untouched, so
byte-mode content (a CompactSeedQR, UTF-8 text) comes back exactly as stored. zxing-cpp reads
tilted, blurred, glared, noisy and washed-out camera pictures in one pass; only when it finds
nothing is a smoothed view read too (screen moire).

numpy, zxingcpp, PIL and qrcode are imported inside the functions that need them: they are
heavy to import, and showing a screen or reading a payload does not need them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import cbor2

from signer.transport import bbqr
from signer.transport.errors import TransportError
from signer.transport.qrcapacity import alnum_capacity, modules, smallest_alnum_version
from signer.transport.qrmask import best_mask
from signer.transport.ur import UR, UREncoder, encode_single

if TYPE_CHECKING:
    from PIL.Image import Image

DENSITY_MODULE_PX: tuple[int, ...] = (6, 5, 4, 3)
"""Smallest module size in screen pixels for density 0 (sparsest) .. 3 (densest)."""
DEFAULT_DENSITY = 1
MIN_MODULE_PX = DENSITY_MODULE_PX[-1]
QUIET_ZONE = 2  # modules of white around the code inside the screen image (the screen adds more)
CAMERA_MAX_VERSION = 20
UR_INNER_BYTES_TYPES = frozenset({"bytes", "crypto-psbt", "psbt"})
IMAGE_CACHE_BYTES = 8 * 1024 * 1024  # rasterised frames a FrameSet keeps (8-bit pixels)


@dataclass(frozen=True)
class FramePlan:
    """How dense frames may be on one screen: the module size floor and the largest QR version."""

    screen_px: int
    module_px: int
    max_version: int
    quiet_zone: int = QUIET_ZONE

    def module_px_for(self, version: int) -> int:
        """The (integer) module size that fills the screen for a code of ``version``."""
        return self.screen_px // (modules(version) + 2 * self.quiet_zone)


def plan_frames(
    screen_px: int = 240,
    density: int = DEFAULT_DENSITY,
    *,
    max_version: int = CAMERA_MAX_VERSION,
    quiet_zone: int = QUIET_ZONE,
) -> FramePlan:
    """The densest QR version whose modules stay at least ``DENSITY_MODULE_PX[density]`` px."""
    if not 0 <= density < len(DENSITY_MODULE_PX):
        raise TransportError(f"density must be 0..{len(DENSITY_MODULE_PX) - 1}, not {density}")
    if not 1 <= max_version <= 40:
        raise TransportError(f"max_version must be 1..40, not {max_version}")
    module_px = DENSITY_MODULE_PX[density]
    best = 0
    for version in range(1, max_version + 1):
        if (modules(version) + 2 * quiet_zone) * module_px <= screen_px:
            best = version
    if best == 0:
        raise TransportError(f"a {screen_px} px screen cannot show a QR code with {module_px} px modules")
    return FramePlan(screen_px, module_px, best, quiet_zone)


class FrameSet:
    """The QR texts of one payload and their images, each QR code encoded once and then cached.

    ``texts`` is one display cycle (loop it). For a multipart UR it holds every pure fragment once
    followed by rateless parts; for BBQr every part once. Images are 8-bit grayscale
    ``screen_px`` x ``screen_px`` PIL images, black code on white.

    Memory stays bounded whatever the payload: the module matrix of every frame is kept, bit-packed
    (at most 1.2 KB a frame at version 20, about the size of its text); rasterised images are kept
    up to ``image_cache_bytes`` (8 MiB: 145 images of 240x240, the 144 frames of a 1.9 KB PSBT at
    the sparsest density), past which an image is rasterised again from its kept matrix (a tenth
    of a millisecond, no QR encoding).
    """

    def __init__(
        self,
        texts: tuple[str, ...],
        *,
        format: str,
        version: int,
        ecc: str,
        plan: FramePlan,
        image_cache_bytes: int = IMAGE_CACHE_BYTES,
    ) -> None:
        self.texts = texts
        self.format = format
        self.version = version
        self.ecc = ecc
        self.plan = plan
        self.module_px = plan.module_px_for(version)
        self.image_cache_bytes = image_cache_bytes
        self._matrices: dict[int, Any] = {}  # index -> np.packbits of the module matrix
        self._cache: dict[int, Image] = {}
        self._cached_bytes = 0

    def __len__(self) -> int:
        return len(self.texts)

    def __iter__(self) -> Iterator[Image]:
        return (self.image(i) for i in range(len(self.texts)))

    @property
    def is_animated(self) -> bool:
        return len(self.texts) > 1

    @property
    def cached_image_bytes(self) -> int:
        """Bytes of pixels held by the image cache (never more than ``image_cache_bytes``)."""
        return self._cached_bytes

    @property
    def kept_matrix_bytes(self) -> int:
        """Bytes held by the kept (bit-packed) QR matrices."""
        return sum(packed.nbytes for packed in self._matrices.values())

    def is_encoded(self, index: int) -> bool:
        """Whether frame ``index``'s QR code was encoded already (showing it needs no QR encoding)."""
        return index % len(self.texts) in self._matrices

    def matrix(self, index: int) -> Any:
        """Frame ``index``'s module matrix (numpy bool array, True = dark), encoded once and kept."""
        import numpy as np

        index %= len(self.texts)
        packed = self._matrices.get(index)
        if packed is None:
            matrix = qr_matrix(self.texts[index], ecc=self.ecc, version=self.version)
            self._matrices[index] = np.packbits(matrix)
            return matrix
        side = modules(self.version)
        return np.unpackbits(packed, count=side * side).reshape(side, side).astype(bool)

    def render(self, index: int) -> Image:
        """A new image of frame ``index`` (from its kept matrix once encoded); not cached."""
        return rasterise(
            self.matrix(index),
            module_px=self.module_px,
            quiet_zone=self.plan.quiet_zone,
            canvas_px=self.plan.screen_px,
        )

    def module_px_within(self, box_px: int) -> int | None:
        """The largest module size, at most this set's own, at which its codes and their quiet zone fit a
        ``box_px`` square; None when that is below ``MIN_MODULE_PX`` (no density draws smaller)."""
        module_px = min(self.module_px, box_px // (modules(self.version) + 2 * self.plan.quiet_zone))
        return module_px if module_px >= MIN_MODULE_PX else None

    def render_within(self, index: int, box_px: int) -> Image:
        """A new image of frame ``index`` on a white ``box_px`` square, at :meth:`module_px_within` (from
        its kept matrix once encoded; not cached). TransportError when no readable size fits."""
        module_px = self.module_px_within(box_px)
        if module_px is None:
            raise TransportError(f"a version {self.version} code does not fit {box_px} px readably")
        return rasterise(
            self.matrix(index), module_px=module_px, quiet_zone=self.plan.quiet_zone, canvas_px=box_px
        )

    def image(self, index: int) -> Image:
        """Frame ``index`` (modulo the cycle length), cached while the cache is under its bound."""
        index %= len(self.texts)
        cached = self._cache.get(index)
        if cached is None:
            cached = self.render(index)
            size = cached.width * cached.height * len(cached.getbands())
            if self._cached_bytes + size <= self.image_cache_bytes:
                self._cache[index] = cached
                self._cached_bytes += size
        return cached

    def prepare(self, index: int) -> bool:
        """Get frame ``index`` ready to show ahead of time: its QR code encoded, its image kept if the
        cache has room. False when there was nothing left to do."""
        index %= len(self.texts)
        if index in self._cache:
            return False
        if self._cached_bytes + self.plan.screen_px**2 > self.image_cache_bytes:
            if index in self._matrices:
                return False
            self.matrix(index)
            return True
        self.image(index)
        return True

    def prerender(self) -> None:
        for i in range(len(self.texts)):
            self.image(i)


# --- encoding ------------------------------------------------------------------------------------


def wrap_ur(data: bytes, ur_type: str = "bytes") -> UR:
    """A UR for payload bytes: ``bytes`` / ``crypto-psbt`` / ``psbt`` wrap them as a CBOR byte
    string; any other type takes them as its CBOR body as is."""
    if not data:
        raise TransportError("nothing to encode: the payload is empty")
    if ur_type in UR_INNER_BYTES_TYPES:
        return UR(ur_type, cbor2.dumps(bytes(data)))
    return UR(ur_type, bytes(data))


def encode_frames(
    payload: bytes | UR,
    *,
    format: str = "ur",
    ur_type: str = "bytes",
    bbqr_type: str = "B",
    screen_px: int = 240,
    density: int = DEFAULT_DENSITY,
    max_version: int = CAMERA_MAX_VERSION,
    rateless_parts: int | None = None,
) -> FrameSet:
    """QR frames for ``payload`` sized for a ``screen_px`` square screen.

    ``format="ur"``: ``payload`` is a UR or bytes wrapped per ``ur_type`` (see :func:`wrap_ur`);
    ``rateless_parts`` extra fountain parts follow the pure ones in the cycle (default: as many
    as there are pure parts). ``format="bbqr"``: ``payload`` is the file, ``bbqr_type`` its letter.
    """
    plan = plan_frames(screen_px, density, max_version=max_version)
    if format == "ur":
        return _encode_ur(payload, ur_type, plan, rateless_parts)
    if format == "bbqr":
        if not isinstance(payload, bytes | bytearray):
            raise TransportError("BBQr frames need the payload as bytes")
        parts = bbqr.split(bytes(payload), bbqr_type, min_version=1, max_version=plan.max_version)
        return FrameSet(parts.parts, format="bbqr", version=parts.version, ecc="L", plan=plan)
    raise TransportError(f"unknown frame format {format!r} (expected ur or bbqr)")


def _encode_ur(payload: bytes | UR, ur_type: str, plan: FramePlan, rateless: int | None) -> FrameSet:
    ur = payload if isinstance(payload, UR) else wrap_ur(bytes(payload), ur_type)
    single = encode_single(ur).upper()
    for ecc in ("M", "L"):
        version = smallest_alnum_version(len(single), ecc)
        if version is not None and version <= plan.max_version:
            return FrameSet((single,), format="ur", version=version, ecc=ecc, plan=plan)

    capacity = alnum_capacity(plan.max_version, "L")

    def cycle_len(seq_len: int) -> int:
        return seq_len + (seq_len if rateless is None else max(0, rateless))

    def fits(fragment: int) -> bool:
        encoder = UREncoder(ur, fragment)
        return _longest_ur_part(encoder.next_part(), cycle_len(encoder.seq_len)) <= capacity

    # Largest max_fragment_len whose longest part (the highest sequence number) fits the version.
    low, high = 9, capacity // 2
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    if low < 10:
        raise TransportError(f"QR version {plan.max_version} is too small to carry UR fragments")
    encoder = UREncoder(ur, low)
    texts = tuple(encoder.next_part().upper() for _ in range(cycle_len(encoder.seq_len)))
    longest = max(len(t) for t in texts)
    version = smallest_alnum_version(longest, "L")
    if version is None or version > plan.max_version:  # pragma: no cover - fits() bounds it
        raise TransportError("internal error: UR part longer than planned")
    return FrameSet(texts, format="ur", version=version, ecc="L", plan=plan)


def _cbor_uint_len(value: int) -> int:
    return 1 if value < 24 else 2 if value < 0x100 else 3 if value < 0x10000 else 5


def _longest_ur_part(first: str, last_seq: int) -> int:
    """Length of part ``last_seq`` given part 1's text: only the sequence number's width changes."""
    growth = len(str(last_seq)) - 1  # the "<seq>-" digits in the path
    growth += 2 * (_cbor_uint_len(last_seq) - 1)  # the seqNum integer inside the part CBOR
    return len(first) + growth


def render_qr(
    content: str | bytes,
    *,
    ecc: str = "L",
    version: int | None = None,
    module_px: int = 4,
    quiet_zone: int = 4,
    canvas_px: int | None = None,
) -> Image:
    """One QR code as an 8-bit grayscale PIL image (black on white).

    ``str`` content is written in the most compact single mode (numeric, alphanumeric, else UTF-8
    bytes); ``bytes`` in byte mode, untouched. ``version`` forces the symbol size (TransportError
    if the content does not fit). ``canvas_px`` centres the code on a white square of that size.
    """
    matrix = qr_matrix(content, ecc=ecc, version=version)
    return rasterise(matrix, module_px=module_px, quiet_zone=quiet_zone, canvas_px=canvas_px)


def rasterise(matrix: Any, *, module_px: int, quiet_zone: int, canvas_px: int | None = None) -> Image:
    """A module matrix (True = dark) as an 8-bit grayscale image, ``module_px`` pixels a module,
    with a ``quiet_zone`` of white modules, centred on a white ``canvas_px`` square when given."""
    import numpy as np
    from PIL import Image as PILImage

    size = matrix.shape[0] + 2 * quiet_zone
    if canvas_px is not None and size * module_px > canvas_px:
        raise TransportError(f"a {size}-module code at {module_px} px does not fit {canvas_px} px")
    pixels = np.where(matrix, 0, 255).astype(np.uint8)
    pixels = np.pad(pixels, quiet_zone, constant_values=255)
    pixels = np.repeat(np.repeat(pixels, module_px, axis=0), module_px, axis=1)
    if canvas_px is not None:
        canvas = np.full((canvas_px, canvas_px), 255, dtype=np.uint8)
        offset = (canvas_px - pixels.shape[0]) // 2
        canvas[offset : offset + pixels.shape[0], offset : offset + pixels.shape[1]] = pixels
        pixels = canvas
    return PILImage.fromarray(pixels, mode="L")


def qr_matrix(content: str | bytes, *, ecc: str = "L", version: int | None = None) -> Any:
    """The module matrix (numpy bool array, True = dark, no quiet zone) of one QR code."""
    import numpy as np
    import qrcode
    from qrcode import constants, util
    from qrcode.exceptions import DataOverflowError

    levels = {
        "L": constants.ERROR_CORRECT_L,
        "M": constants.ERROR_CORRECT_M,
        "Q": constants.ERROR_CORRECT_Q,
        "H": constants.ERROR_CORRECT_H,
    }
    if ecc not in levels:
        raise TransportError(f"unknown QR error correction level {ecc!r}")
    if isinstance(content, bytes | bytearray):
        segment = util.QRData(bytes(content), mode=util.MODE_8BIT_BYTE)
    else:
        segment = util.QRData(content)
    code = qrcode.QRCode(version=version, error_correction=levels[ecc], border=0, mask_pattern=0)
    code.add_data(segment)
    try:
        code.make(fit=version is None)
    except (DataOverflowError, ValueError):
        raise TransportError(
            f"content does not fit a QR code of version {version or 40} at ECC {ecc}"
        ) from None
    matrix = np.array(code.get_matrix(), dtype=bool)
    mask = best_mask(matrix, code.version)  # the library's choice, without its eight trial builds
    if mask:
        code.mask_pattern = mask
        code.make(fit=False)  # the same data, laid out again with the chosen mask
        matrix = np.array(code.get_matrix(), dtype=bool)
    return matrix


# --- decoding ------------------------------------------------------------------------------------


def to_gray(image: Any) -> Any:
    """A 2-D uint8 numpy array from a PIL image or a numpy array (gray, BGR or BGRA).

    A gray array (what the device's camera delivers) is returned as is, without a copy."""
    import numpy as np

    if hasattr(image, "convert") and hasattr(image, "size"):  # PIL
        return np.asarray(image if image.mode == "L" else image.convert("L"), dtype=np.uint8)
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] in (3, 4):
        # ITU-R 601 luma of B, G, R (the weights OpenCV uses), in integers
        bgr = array[:, :, :3].astype(np.uint16)
        array = ((bgr[:, :, 0] * 29 + bgr[:, :, 1] * 150 + bgr[:, :, 2] * 77 + 128) >> 8).astype(np.uint8)
    elif array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim != 2 or array.size == 0:
        raise TransportError(f"not an image: array of shape {array.shape}")
    if array.dtype != np.uint8:
        array = np.clip(array, 0, 255).astype(np.uint8)
    return array


def _read(gray: Any) -> list[bytes]:
    """The QR codes zxing-cpp finds in a gray array, each as the exact bytes the symbol holds."""
    import zxingcpp

    found: list[bytes] = []
    for barcode in zxingcpp.read_barcodes(
        gray, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    ):
        data = bytes(barcode.bytes)
        if barcode.valid and data not in found:
            found.append(data)
    return found


def _smoothed(gray: Any) -> Any:
    """``gray`` averaged over 2x2 pixels: a camera close to a screen sees its pixel grid (moire), which
    the average removes. A camera frame is halved; a small image keeps its size."""
    import numpy as np

    wide = gray.astype(np.uint16)
    if min(gray.shape) >= 480:
        h, w = gray.shape[0] // 2 * 2, gray.shape[1] // 2 * 2
        total = wide[0:h:2, 0:w:2] + wide[1:h:2, 0:w:2] + wide[0:h:2, 1:w:2] + wide[1:h:2, 1:w:2]
    else:
        total = wide[:-1, :-1] + wide[1:, :-1] + wide[:-1, 1:] + wide[1:, 1:]
    return ((total + 2) >> 2).astype(np.uint8)


def decode_qr_image(image: Any, *, retry: bool = True) -> list[bytes]:
    """Every QR code in ``image`` (a PIL image or a numpy array), as the exact bytes stored.

    Text formats (UR, BBQr, plain) are their ASCII/UTF-8 bytes; a CompactSeedQR is its raw
    entropy. Pass each item to :meth:`Assembler.add` as is. An empty list means nothing was found.

    A gray array (the device's camera frames) goes to the decoder as is. When nothing is found and
    ``retry`` is set, a smoothed view is read too (a screen's pixel grid seen close up).
    """
    gray = to_gray(image)
    found = _read(gray)
    if found or not retry:
        return found
    return _read(_smoothed(gray))
