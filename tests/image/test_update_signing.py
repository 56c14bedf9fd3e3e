"""Signed updates: the running version checks the maintainers' signature, the version and every file
before anything is written; each way an update can be wrong is refused with its own one-line reason."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signer.update import (
    MANIFEST,
    SIGNATURE,
    SIGNED_PREFIX,
    UpdateError,
    UpdateRefused,
    build_manifest,
    load_public_key,
    parse_version,
    verify_update,
    write_update,
)

RELEASE_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # a fixed test key, not a release key
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


@pytest.fixture
def payload(tmp_path: Path) -> dict[str, Path]:
    files = tmp_path / "payload"
    (files / "boot").mkdir(parents=True)
    (files / "root.sqfs").write_bytes(b"hsqs" + bytes(5000))
    (files / "boot" / "vmlinuz").write_bytes(b"kernel" * 100)
    return {"root.sqfs": files / "root.sqfs", "boot/vmlinuz": files / "boot" / "vmlinuz"}


def make(
    tmp_path: Path, payload: dict[str, Path], version: str = "0.2.0", key: Ed25519PrivateKey = RELEASE_KEY
) -> Path:
    out = tmp_path / f"airlock-{version}.update"
    write_update(out, version, payload, key)
    return out


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]


def rewrite(path: Path, contents: dict[str, bytes]) -> None:
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_a_good_update_verifies_and_says_what_it_installs(tmp_path: Path, payload: dict[str, Path]) -> None:
    path = make(tmp_path, payload)
    verified = verify_update(path, RELEASE_KEY.public_key(), running_version="0.1.0")
    assert verified.version == "0.2.0" and verified.running_version == "0.1.0"
    assert [f.name for f in verified.files] == ["boot/vmlinuz", "root.sqfs"]
    assert verified.files[1].sha256 == hashlib.sha256(payload["root.sqfs"].read_bytes()).hexdigest()
    assert verified.size == 5004 + 600
    manifest = members(path)[MANIFEST]
    assert verified.manifest_sha256 == hashlib.sha256(manifest).hexdigest()
    assert json.loads(manifest)["format"] == "airlock-update/1"


def test_the_same_inputs_give_the_same_update_file(tmp_path: Path, payload: dict[str, Path]) -> None:
    a = make(tmp_path, payload).read_bytes()
    assert make(tmp_path, payload).read_bytes() == a  # Ed25519 is deterministic, the tar has fixed fields


def test_an_update_signed_by_another_key_is_refused(tmp_path: Path, payload: dict[str, Path]) -> None:
    path = make(tmp_path, payload, key=OTHER_KEY)
    with pytest.raises(UpdateError, match=r"not signed by the Airlock release key"):
        verify_update(path, RELEASE_KEY.public_key(), "0.1.0")


def test_a_tampered_file_is_refused(tmp_path: Path, payload: dict[str, Path]) -> None:
    path = make(tmp_path, payload)
    contents = members(path)
    contents["root.sqfs"] = contents["root.sqfs"][:-1] + b"\x01"
    rewrite(path, contents)
    with pytest.raises(UpdateError, match=r"^root.sqfs in the update does not match its signed checksum$"):
        verify_update(path, RELEASE_KEY.public_key(), "0.1.0")


def test_a_tampered_manifest_is_refused_before_it_is_read(tmp_path: Path, payload: dict[str, Path]) -> None:
    path = make(tmp_path, payload)
    contents = members(path)
    contents[MANIFEST] = contents[MANIFEST].replace(b'"version":"0.2.0"', b'"version":"9.2.0"')
    rewrite(path, contents)
    with pytest.raises(UpdateError, match=r"not signed by the Airlock release key"):
        verify_update(path, RELEASE_KEY.public_key(), "0.1.0")


def test_a_file_added_or_left_out_is_refused(tmp_path: Path, payload: dict[str, Path]) -> None:
    path = make(tmp_path, payload)
    contents = members(path)
    rewrite(path, {**contents, "boot/cmdline.txt": b"init=/bin/sh"})
    with pytest.raises(UpdateError, match=r"does not list: boot/cmdline.txt"):
        verify_update(path, RELEASE_KEY.public_key(), "0.1.0")
    del contents["boot/vmlinuz"]
    rewrite(path, contents)
    with pytest.raises(UpdateError, match=r"lacks boot/vmlinuz, which its signed manifest lists"):
        verify_update(path, RELEASE_KEY.public_key(), "0.1.0")


@pytest.mark.parametrize("keep", [0, 100, 512, 1536, 3000])
def test_a_truncated_update_file_is_refused(tmp_path: Path, payload: dict[str, Path], keep: int) -> None:
    path = make(tmp_path, payload)
    path.write_bytes(path.read_bytes()[:keep])
    with pytest.raises(UpdateError):
        verify_update(path, RELEASE_KEY.public_key(), "0.1.0")


def test_a_truncated_payload_names_the_damage(tmp_path: Path, payload: dict[str, Path]) -> None:
    path = make(tmp_path, payload)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 4000])  # cut inside root.sqfs, the last member
    with pytest.raises(UpdateError, match=r"damaged or incomplete|does not match its signed checksum"):
        verify_update(path, RELEASE_KEY.public_key(), "0.1.0")


def test_a_downgrade_is_refused(tmp_path: Path, payload: dict[str, Path]) -> None:
    path = make(tmp_path, payload, version="0.1.9")
    with pytest.raises(
        UpdateRefused,
        match=r"^downgrade refused: the update is version 0.1.9, older than the installed 0.2.0$",
    ):
        verify_update(path, RELEASE_KEY.public_key(), "0.2.0")


def test_the_same_version_again_is_refused(tmp_path: Path, payload: dict[str, Path]) -> None:
    path = make(tmp_path, payload, version="0.2")
    with pytest.raises(UpdateRefused, match=r"version 0.2, which is already installed"):
        verify_update(path, RELEASE_KEY.public_key(), "0.2.0")  # 0.2 and 0.2.0 are the same version


def test_versions_compare_as_numbers_not_text(tmp_path: Path, payload: dict[str, Path]) -> None:
    path = make(tmp_path, payload, version="0.10.0")
    assert verify_update(path, RELEASE_KEY.public_key(), "0.9.3").version == "0.10.0"
    for bad in ("v1", "1.2rc1", "01.2", "1..2", "", "1.2.3.4.5"):
        with pytest.raises(UpdateError, match=r"not of the form 1.2.3"):
            parse_version(bad)


def test_unsafe_names_links_and_duplicates_are_refused(tmp_path: Path, payload: dict[str, Path]) -> None:
    with pytest.raises(UpdateError, match=r"unsafe"):
        build_manifest("0.2.0", {"../var/lib/airlock/vault.airlock": payload["root.sqfs"]})
    path = make(tmp_path, payload)
    contents = members(path)
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("boot/link")
        link.type, link.linkname = tarfile.SYMTYPE, "/var/lib/airlock"
        tar.addfile(link)
    with pytest.raises(UpdateError, match=r"something other than plain files"):
        verify_update(path, RELEASE_KEY.public_key(), "0.1.0")


def test_a_signed_manifest_of_the_wrong_shape_is_refused(tmp_path: Path, payload: dict[str, Path]) -> None:
    path = make(tmp_path, payload)
    contents = members(path)
    manifest = json.dumps(
        {"format": "airlock-update/1", "version": "0.2.0", "files": {"root.sqfs": {"sha256": "x", "size": 1}}}
    ).encode()
    contents[MANIFEST] = manifest
    contents[SIGNATURE] = RELEASE_KEY.sign(SIGNED_PREFIX + manifest)
    rewrite(path, contents)
    with pytest.raises(UpdateError, match=r"gives root.sqfs no valid sha256"):
        verify_update(path, RELEASE_KEY.public_key(), "0.1.0")


def test_not_an_update_file_at_all(tmp_path: Path) -> None:
    path = tmp_path / "x.update"
    path.write_bytes(b"this is not a tar file" * 50)
    with pytest.raises(UpdateError, match=r"damaged or incomplete"):
        verify_update(path, RELEASE_KEY.public_key(), "0.1.0")


def test_the_public_key_must_be_an_ed25519_pem() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = RELEASE_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert load_public_key(pem).public_bytes_raw() == RELEASE_KEY.public_key().public_bytes_raw()
    other = ec.generate_private_key(ec.SECP256K1()).public_key()
    ec_pem = other.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(UpdateError, match=r"not an Ed25519 key"):
        load_public_key(ec_pem)
    with pytest.raises(UpdateError, match=r"not a PEM public key"):
        load_public_key(b"nonsense")
