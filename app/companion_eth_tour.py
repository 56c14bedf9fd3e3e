"""``make demo``'s Ethereum leg: the companion finds risky token approvals, the device signs their revokes.

After the Bitcoin leg (app/companion_tour.py), on a throw-away anvil (companion/demo_chain.py), headless:

1. anvil on 127.0.0.1 (chain 1337), an ERC-20 and an ERC-721 deployed, the DEMO seed's first address
   funded and given tokens; approvals made from it as a person might have made them (an unlimited
   ERC-20 approval to a plain account, a limited one to a contract, an ApprovalForAll), then the
   chain's clock moved 31 days so that they are stale;
2. the device (its real UI, driven as a person would) shows its Ethereum account (``crypto-hdkey``,
   MetaMask's format) as an animated QR; its screen frames play into the page's camera and the page
   imports the account with the anvil URL;
3. the approvals page lists them flagged; "Revoke all flagged" makes the queue; for each request the
   page's animated QR becomes the device camera's pictures, the device reviews ("Revoke: ...") and
   signs, its signature QR becomes the fake camera's video, the page scans it and moves on; then the
   page broadcasts them, shows them mined, and a rescan shows no approval left.

The revokes and the allowances are also checked on the chain itself, not only on the page. Pictures
of both sides go to ``demo-out/companion/``, numbered on from the Bitcoin leg's. Every process it
starts (anvil, the web server, chromium) is stopped on the way out, also on failure or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.companion_tour import (
    CHROMIUM,
    Album,
    Device,
    TourError,
    _importable,
    browser_page,
    capture_handover,
    page_shot,
    write_y4m,
)
from app.demo_seed import DEMO_MNEMONIC

ACCOUNT = "demo-eth"
MODULES = ("web3", "starlette", "uvicorn", "python_multipart", "playwright")
UNLIMITED = 2**256 - 1
LIMITED = 500 * 10**18  # 500 tDAI (18 decimals)
DAYS_LATER = 31
ALBUM_QR_FRAMES = 1  # of each request's handover QR captures (all are in companion-files/)


def missing() -> str | None:
    """Why the Ethereum leg cannot run here, with the one command that fixes it; None when it can."""
    from companion.demo_chain import chain_missing

    absent = [m for m in MODULES if not _importable(m)]
    if absent:
        return f"{', '.join(absent)} not installed: run `scripts/bootstrap.sh demo`"
    reason = chain_missing()
    if reason:
        return reason.replace("make bootstrap", "scripts/bootstrap.sh demo")
    if not CHROMIUM.is_file():
        return "no chromium for the page: run `sudo apt-get install -y chromium`"
    return None


def demo_address() -> str:
    """The DEMO seed's first Ethereum address, m/44'/60'/0'/0/0 (what the device's export starts at)."""
    from signer.eth.keys import SeedEthKeys
    from signer.eth.primitives import checksum
    from signer.keys.bip39 import mnemonic_to_seed

    return checksum(SeedEthKeys(mnemonic_to_seed(DEMO_MNEMONIC)).address("m/44'/60'/0'/0/0"))


@dataclass(frozen=True)
class Approvals:
    """What the person approved on the chain: the tokens and who may spend them."""

    owner: str
    token: str  # tDAI, an ERC-20
    nft: str  # tPUNK, an ERC-721
    plain_spender: str  # an account, not a contract: unlimited tDAI
    contract_spender: str  # a contract: 500 tDAI
    operator: str  # every tPUNK


def make_approvals(chain: Any, owner: str) -> Approvals:
    """The tokens deployed, the owner funded, its three approvals given, then 31 days on the chain."""
    from companion.demo_chain import DEV

    token = chain.deploy("TestToken", "Test Dai", "tDAI", 18)
    nft = chain.deploy("TestNFT", "Test Punks", "tPUNK")
    chain.fund(owner, 10 * 10**18)
    dai, punks = chain.contract("TestToken", token), chain.contract("TestNFT", nft)
    chain.send(DEV[0], dai.functions.mint(owner, 1_000 * 10**18))
    chain.send(DEV[0], punks.functions.mint(owner, 1))
    chain.impersonate(owner)  # the owner's own transactions, made before Airlock held the key
    made = Approvals(owner, token, nft, plain_spender=DEV[1], contract_spender=nft, operator=DEV[3])
    chain.send(owner, dai.functions.approve(made.plain_spender, UNLIMITED))
    chain.send(owner, dai.functions.approve(made.contract_spender, LIMITED))
    chain.send(owner, punks.functions.setApprovalForAll(made.operator, True))
    chain.rpc("anvil_stopImpersonatingAccount", owner)
    chain.increase_time(DAYS_LATER * 86_400)
    return made


def left_on_chain(chain: Any, made: Approvals) -> list[str]:
    """The approvals still standing, read from the tokens themselves (not from the page)."""
    dai, punks = chain.contract("TestToken", made.token), chain.contract("TestNFT", made.nft)
    left = []
    for spender in (made.plain_spender, made.contract_spender):
        if dai.functions.allowance(made.owner, spender).call():
            left.append(f"tDAI to {spender}")
    if punks.functions.isApprovedForAll(made.owner, made.operator).call():
        left.append(f"every tPUNK to {made.operator}")
    return left


# -- the page ----------------------------------------------------------------------------------------
def import_account(page: Any, album: Album, rpc_url: str) -> str:
    """The import form: a name, the anvil URL, the device's export by camera; the address shown."""
    page.click("#eth-import-link")
    page.fill("#eth-name", ACCOUNT)
    page.fill("#eth-rpc", rpc_url)
    page.click("#camera-start")
    page.wait_for_selector("#camera-status[data-done='1']")
    page_shot(page, album, "eth-import-scanned")
    page.click("#eth-import")
    page.wait_for_selector("#eth-address, #error")
    if page.locator("#error").count():
        raise TourError(f"the page did not import the account: {page.inner_text('#error')}")
    page_shot(page, album, "eth-account-imported")
    return str(page.inner_text("#eth-address")).strip()


def revoke_all_flagged(page: Any, album: Album) -> tuple[int, int, str]:
    """The approvals page, flagged; "Revoke all flagged": (approvals listed, flagged, the queue's URL)."""
    page.click("#approvals-link a")
    page.wait_for_selector("#approvals, #error")
    if page.locator("#error").count():
        raise TourError(f"the approvals page did not scan: {page.inner_text('#error')}")
    listed = int(page.get_attribute("#approvals", "data-count") or 0)
    flagged = int(page.get_attribute("#approvals", "data-flagged") or 0)
    page_shot(page, album, "approvals-flagged")
    if not flagged:
        raise TourError(f"the page lists {listed} approvals, none flagged")
    page.click("#revoke-flagged")
    page.wait_for_url(re.compile(rf".*/eth/{ACCOUNT}/batch/[\w-]+$"))
    return listed, flagged, str(page.url)


def scan_signature(page: Any, batch: str, k: int) -> None:
    """On the queue's page: the camera reads the device's signature, the page checks it and moves on."""
    page.goto(batch)
    page.click("#signed-camera-start")
    page.wait_for_url(f"{batch}?signed=1")
    if page.locator("#error").count():
        raise TourError(f"the page refused signature {k + 1}: {page.inner_text('#error')}")
    signed = int(page.get_attribute("#batch-progress", "data-signed") or 0)
    if signed != k + 1:
        raise TourError(f"after signature {k + 1} the page counts {signed} signed")


def broadcast_all(page: Any, album: Album, batch: str) -> list[tuple[str, str, str]]:
    """Broadcast the signed queue and wait until the page shows every one mined: (nonce, hash, state)."""
    if page.get_attribute("#signed-state", "data-ready") != "1":
        raise TourError(f"the queue is not ready to send: {page.inner_text('#signed-state')}")
    page_shot(page, album, "revokes-signed")
    page.click("#broadcast")
    page.wait_for_url(f"{batch}?sent=1")
    if page.get_attribute("#tx-state", "data-state") != "confirmed":
        page.click("#tx-check")  # "Check now", rather than wait for the page's next look in 3 s
    page.wait_for_selector("#tx-state[data-state='confirmed']")  # else the page follows the receipts
    page_shot(page, album, "revokes-mined")
    rows = page.locator("#sent tbody tr")
    sent = []
    for i in range(rows.count()):
        cells = [str(text).strip() for text in rows.nth(i).locator("td").all_inner_texts()]
        sent.append((cells[0], cells[1], cells[2]))
    return sent


def rescan(page: Any, album: Album) -> int:
    page.click("#rescan")
    page.wait_for_url(f"**/eth/{ACCOUNT}/approvals?scanned=1")
    left = int(page.get_attribute("#approvals", "data-count") or 0)
    page_shot(page, album, "approvals-rescanned")
    return left


# -- the tour ----------------------------------------------------------------------------------------
@dataclass
class Result:
    listed: int  # approvals the page listed
    flagged: int
    headlines: list[str]  # the device's review of each request
    sent: list[tuple[str, str, str]]  # (nonce, tx hash, the page's state) in nonce order
    left: int  # approvals the rescan still lists
    pictures: list[Path]
    seconds: float


def run(out: Path, window: Any = None) -> Result:
    """The whole leg into ``out/companion/``; stops everything it started, also on failure."""
    from companion.demo_chain import CHAIN_ID, DemoChain
    from companion.web.server import WebServer

    started = time.monotonic()
    work = out / "companion-files" / "eth"
    album = Album(out / "companion")
    headed = window is not None

    def say(text: str) -> None:
        print(f"  {text}", flush=True)

    with contextlib.ExitStack() as stack:
        chain = stack.enter_context(DemoChain())
        say(f"anvil on {chain.url} (chain {CHAIN_ID})")
        owner = demo_address()
        made = make_approvals(chain, owner)
        say(f"{owner} (the DEMO seed's first address) approved: unlimited tDAI to {made.plain_spender} "
            f"(an account), 500 tDAI to {made.contract_spender} (a contract), every tPUNK to "
            f"{made.operator}; then {DAYS_LATER} days passed on the chain")  # fmt: skip
        server = stack.enter_context(WebServer(work / "companion-data"))

        device = Device(work / "device", album, window, accounts=[("eth", "main")])
        device.unlock()
        export = device.export_account("MetaMask, Rabby")
        video = work / "device-export.y4m"
        write_y4m(export, video)
        say(f"the device shows its Ethereum account (crypto-hdkey) as an animated QR ({len(export)} frames)")
        browser = stack.enter_context(contextlib.ExitStack())  # the browser, relaunched per camera video
        page = browser.enter_context(browser_page(server.url, video, headed))
        address = import_account(page, album, chain.url)
        if address.replace(" ", "") != owner:
            raise TourError(f"the page imported {address}, not the DEMO seed's {owner}")
        say(f"the page read it with the camera and imported '{ACCOUNT}'; first address {owner}")

        listed, flagged, batch = revoke_all_flagged(page, album)
        total = int(page.get_attribute("#batch-progress", "data-total") or 0)
        say(f"the approvals page lists {listed}, {flagged} flagged; 'Revoke all flagged' queues {total}")
        headlines = []
        for k in range(total):
            page.wait_for_function("document.getElementById('handover-qr').complete")
            if k == 0:
                page_shot(page, album, "revoke-queue")
            shown = page.inner_text("#batch-current")
            captures = capture_handover(page, album, work / f"request-{k + 1}", f"revoke-{k + 1}-qr",
                                        keep=ALBUM_QR_FRAMES)  # fmt: skip
            headline, signed = device.sign(captures)
            if not headline.startswith("Revoke"):
                raise TourError(f"the device shows {headline!r} for {shown}, not a revoke")
            headlines.append(headline)
            signature_video = work / f"signature-{k + 1}.y4m"
            write_y4m(signed, signature_video)
            browser.close()  # the fake camera is chosen at launch: the page opens again with the signature
            page = browser.enter_context(browser_page(server.url, signature_video, headed))
            scan_signature(page, batch, k)
            say(f"{shown}: the device read it, showed '{headline}', signed; the page scanned the signature")

        nonce = chain.w3.eth.get_transaction_count(owner)
        sent = broadcast_all(page, album, batch)
        for _nonce, tx_hash, state in sent:
            receipt = chain.w3.eth.get_transaction_receipt(tx_hash)
            if receipt["status"] != 1 or chain.checksum(receipt["from"]) != owner or "succeeded" not in state:
                raise TourError(f"revoke {tx_hash} did not succeed: {state}")
        if chain.w3.eth.get_transaction_count(owner) != nonce + total:
            raise TourError(f"the chain has {chain.w3.eth.get_transaction_count(owner) - nonce} of {total}")
        still = left_on_chain(chain, made)
        if still:
            raise TourError(f"mined, but still approved on the chain: {', '.join(still)}")
        say(f"the page broadcast them in nonce order; all {len(sent)} revokes mined and succeeded")
        left = rescan(page, album)
        if left:
            raise TourError(f"the rescan still lists {left} approvals")
        say("rescanned: no approval left, nobody may spend from the account")
        return Result(listed, flagged, headlines, sent, left, album.pictures(), time.monotonic() - started)
    raise AssertionError("unreachable")  # pragma: no cover
