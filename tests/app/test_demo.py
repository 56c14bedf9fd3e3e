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
    "py-bitcoinkernel": "pbk",
    "gpiozero": "gpiozero",
    "pygame": "pygame",
    "starlette": "starlette",
    "uvicorn": "uvicorn",
    "python-multipart": "python_multipart",
    "playwright": "playwright",
    "web3": "web3",
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
    if "skipped:" not in result.stdout:  # the companion tour ran (bitcoind and chromium are here)
        assert "the payment is confirmed" in result.stdout
