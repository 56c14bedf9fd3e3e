"""``make demo`` without a desktop: the scripted tour runs through the real UI and leaves its pictures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from app import demo


def test_scripted_tour(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ui.capture import blank_image

    out = tmp_path / "demo-out"
    assert demo.tour(out) == 0
    printed = capsys.readouterr().out
    assert "input 0: signed by key 73c5da0a/84h/0h/0h/0/0" in printed
    assert "Send 0.00060000 BTC" in printed
    screens = sorted((out / "screens").glob("*.png"))
    names = [p.name for p in screens]
    assert any("signed-psbt" in n for n in names) and any("seed-ready" in n for n in names)
    # the new (non-demo) seed's words were on screen, but never in a picture
    words = [p for p in screens if re.fullmatch(r"\d+-words-\d+-\d+-of-12\.png", p.name)]
    assert words and all(Image.open(p).convert("RGB").tobytes() == blank_image().tobytes() for p in words)
    gif = Image.open(out / "signed-psbt.gif")
    assert gif.n_frames > 1


@pytest.mark.parametrize("state", ["none", "down only"])
def test_the_tour_on_a_machine_without_a_network_that_is_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], state: str
) -> None:
    """The tour runs whatever the machine's interfaces (this one's are in test_scripted_tour)."""
    from signer.netcheck import Interface

    found = [] if state == "none" else [Interface("eth0", False, False)]
    monkeypatch.setattr("signer.netcheck.interfaces", lambda *a, **k: found)
    assert demo.tour(tmp_path / "demo-out") == 0
    assert "input 0: signed by key 73c5da0a/84h/0h/0h/0/0" in capsys.readouterr().out


def test_a_desktop_that_does_not_answer_falls_back_to_the_tour(tmp_path: Path) -> None:
    """make demo with a DISPLAY nobody answers on used to run the emulator in an invisible window
    forever; it now says so and runs the tour. A child process with a timeout, so a hang fails."""
    import os
    import subprocess
    import sys

    pytest.importorskip("pygame", reason="without pygame the demo never tries the window")
    display = next(f":{n}" for n in range(93, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env["DISPLAY"] = display
    out = tmp_path / "demo-out"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "app.demo", "--out", str(out)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("make demo still ran after 300 s with a desktop nobody answers on")
    assert result.returncode == 0, result.stderr
    said = f"The emulator window cannot open (no desktop answers on DISPLAY={display} "
    assert said in result.stdout and "running the scripted tour instead" in result.stdout
    assert (out / "signed-psbt.gif").is_file()


def test_the_demo_camera_plays_the_animation_to_every_scan(tmp_path: Path) -> None:
    """The emulator's camera folder is played in a loop (frames_loop): a second Scan sees the PSBT
    again. Read as a folder another program writes, each picture came once and a second Scan saw
    nothing."""
    from app.wiring import open_camera
    from hardware.platform import Platform

    _, images = demo.prepare(tmp_path / "out")
    platform = Platform(model=None, display="headless", input="scripted", camera="frames", printer="none")
    camera = open_camera(platform, tmp_path / "out" / "camera", demo.EMULATOR_FRAMES_LOOP)
    try:
        seen = [camera.read() for _ in range(2 * len(images))]
    finally:
        camera.stop()
    assert all(frame is not None for frame in seen)
    assert all((a == b).all() for a, b in zip(seen[: len(images)], seen[len(images) :], strict=True))


# The module each dev-only distribution installs (the demo profile leaves them out).
DEV_ONLY_MODULES = {
    "bip-utils": "bip_utils",
    "urtypes": "urtypes",
    "pytest": "pytest",
    "hypothesis": "hypothesis",
    "ruff": "ruff",
    "import-linter": "importlinter",
    "mypy": "mypy",
    "bdkpython": "bdkpython",
    "web3": "web3",
    "py-bitcoinkernel": "pbk",
    "gpiozero": "gpiozero",
    "pygame": "pygame",
    "starlette": "starlette",
    "uvicorn": "uvicorn",
    "python-multipart": "python_multipart",
    "playwright": "playwright",
}
BLOCKER = """
import sys
blocked = set(sys.argv[1].split(","))
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"{name} is not in the demo profile", name=name)
sys.meta_path.insert(0, Block())
from app import demo
sys.exit(demo.main(["--tour", "--out", sys.argv[2]]))
"""


def test_the_tour_needs_nothing_but_the_runtime_dependencies(tmp_path: Path) -> None:
    """make demo installs the runtime dependencies and the demo extra (pygame only for a desktop): the
    tours must run with every other dev-only module unimportable, as on a fresh clone where only
    `make demo` ran."""
    import re
    import subprocess
    import sys
    import tomllib

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    runtime = {re.split(r"[<>=;\[ ]", dep)[0].lower() for dep in project["project"]["dependencies"]}
    dev = {
        re.split(r"[<>=;\[ ]", dep)[0].lower() for dep in project["project"]["optional-dependencies"]["dev"]
    }
    assert dev - runtime == set(DEV_ONLY_MODULES)  # a new dev tool: name its module above
    extras = project["project"]["optional-dependencies"]
    for_demo = {re.split(r"[<>=;\[ ]", dep)[0].lower() for dep in extras["demo"]}
    blocked = [module for dist, module in DEV_ONLY_MODULES.items() if dist not in for_demo]
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER, ",".join(blocked), str(tmp_path / "demo-out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo-out" / "signed-psbt.gif").is_file()
    bitcoin, ethereum = result.stdout.split("Airlock and its companion on ")[1:]
    pictures = sorted(p.name for p in (tmp_path / "demo-out" / "companion").glob("*.png"))
    if "skipped:" not in bitcoin:  # the companion tour ran (bitcoind and chromium are here)
        assert "the payment is confirmed" in bitcoin
    if "skipped:" not in ethereum:  # its Ethereum leg ran (anvil, solc and chromium are here)
        check_ethereum_leg(ethereum, pictures, after=bitcoin_pictures(bitcoin))


def bitcoin_pictures(said: str) -> int:
    match = re.search(r"(\d+) pictures of both sides", said)
    return int(match.group(1)) if match else 0


def check_ethereum_leg(said: str, pictures: list[str], after: int) -> None:
    """What make demo's Ethereum leg said and left: the device's export imported by camera, the three
    approvals flagged, each revoke reviewed as one on the device, all mined (the leg checks the receipts
    and the allowances on the chain itself and stops otherwise), the rescan clean; the pictures of both
    sides numbered on from the Bitcoin leg's."""
    assert "imported 'demo-eth'; first address 0x9858EfFD232B4033E47d90003D41EC34EcaEda94" in said
    assert "the approvals page lists 3, 3 flagged; 'Revoke all flagged' queues 3" in said
    reviews = re.findall(r"Request (\d) of 3: the device read it, showed 'Revoke: ([^']+)', signed", said)
    assert [k for k, _ in reviews] == ["1", "2", "3"]
    assert sum("may no longer move ALL NFTs" in review for _, review in reviews) == 1
    assert "all 3 revokes mined and succeeded" in said
    assert "rescanned: no approval left" in said
    ours = pictures[after:]
    assert int(ours[0][:2]) == after + 1 and len(ours) == int(re.findall(r"(\d+) pictures", said)[0]) - after
    names = [re.sub(r"^\d+-", "", name) for name in ours]
    assert names[0].startswith("device-") and "device-metamask-ur.png" in names
    order = ["page-approvals-flagged.png", "page-revoke-queue.png", "page-revokes-mined.png",
             "page-approvals-rescanned.png"]  # fmt: skip
    assert [n for n in names if n in order] == order
    assert sum(n == "device-signature.png" for n in names) == 3


def test_without_anvil_the_demo_says_why_and_skips_only_the_ethereum_leg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app import companion_eth_tour

    monkeypatch.setenv("AIRLOCK_ANVIL", str(tmp_path / "no-anvil"))
    assert demo._leg(companion_eth_tour, "Ethereum leg", tmp_path / "demo-out", None) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"  skipped: anvil is not installed at {tmp_path / 'no-anvil'}: run ")
    assert "scripts/bootstrap.sh demo" in said
    assert not (tmp_path / "demo-out").exists()  # nothing started, nothing written
