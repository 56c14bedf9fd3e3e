// Airlock companion: the camera. Frames go to the app as JPEG; Python reads the QR codes with the
// device's own assembler. No QR or UR code runs here.
"use strict";

const FRAME_EVERY_MS = 120;
const FOLLOW_EVERY_MS = 3000;

async function postFrame(scanId, blob) {
  const response = await fetch(`/scan/${encodeURIComponent(scanId)}/frame`, {
    method: "POST",
    headers: { "Content-Type": "image/jpeg" },
    body: blob,
    credentials: "same-origin",
  });
  return response.json();
}

function grab(video, canvas) {
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext("2d").drawImage(video, 0, 0);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
}

// Scan until the assembler has a whole message; onDone gets the scan id and the payload kind.
async function scanWithCamera(parts, onDone) {
  const { video, progress, status, button } = parts;
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  } catch (err) {
    status.textContent = `The camera did not start (${err.name}): allow this page to use it, or paste the export.`;
    return;
  }
  const start = await fetch("/scan", { method: "POST", credentials: "same-origin" });
  const { id } = await start.json();
  button.disabled = true;
  video.hidden = false;
  progress.hidden = false;
  video.srcObject = stream;
  await video.play();
  const canvas = document.createElement("canvas");
  status.textContent = "Point the camera at the QR code on your Airlock.";
  for (;;) {
    if (video.videoWidth === 0) {
      await new Promise((r) => setTimeout(r, FRAME_EVERY_MS));
      continue;
    }
    const report = await postFrame(id, await grab(video, canvas));
    progress.value = report.progress;
    status.textContent = report.error ? `${report.error}` : report.status;
    if (report.done) {
      stream.getTracks().forEach((t) => t.stop());
      video.hidden = true;
      button.disabled = false;
      onDone(id, report.kind);
      return;
    }
    if (report.error && !report.status) return;
    await new Promise((r) => setTimeout(r, FRAME_EVERY_MS));
  }
}

function setUpImport() {
  const button = document.getElementById("camera-start");
  if (!button) return;
  const parts = {
    button,
    video: document.getElementById("camera-video"),
    progress: document.getElementById("camera-progress"),
    status: document.getElementById("camera-status"),
  };
  button.addEventListener("click", () =>
    scanWithCamera(parts, (id, kind) => {
      document.getElementById("scan").value = id;
      parts.status.textContent = `Scanned (${kind}). Enter a name and the node, then press Import.`;
      parts.status.dataset.done = "1";
    }),
  );
}

// The signed transaction back from the device: once the scan is whole, the form is sent at once.
function setUpSignedScan() {
  const button = document.getElementById("signed-camera-start");
  if (!button) return;
  const parts = {
    button,
    video: document.getElementById("signed-camera-video"),
    progress: document.getElementById("signed-camera-progress"),
    status: document.getElementById("signed-camera-status"),
  };
  button.addEventListener("click", () =>
    scanWithCamera(parts, (id, kind) => {
      document.getElementById("signed-scan").value = id;
      parts.status.textContent = `Scanned (${kind}). Checking it...`;
      parts.status.dataset.done = "1";
      document.getElementById("signed-form").submit();
    }),
  );
}

// A multisig cosigner's key: once the scan is whole, the form adds it at once.
function setUpCosignerScan() {
  const button = document.getElementById("cosigner-camera-start");
  if (!button) return;
  const parts = {
    button,
    video: document.getElementById("cosigner-camera-video"),
    progress: document.getElementById("cosigner-camera-progress"),
    status: document.getElementById("cosigner-camera-status"),
  };
  button.addEventListener("click", () =>
    scanWithCamera(parts, (id, kind) => {
      document.getElementById("cosigner-scan").value = id;
      parts.status.textContent = `Scanned (${kind}). Adding it...`;
      parts.status.dataset.done = "1";
      document.getElementById("multisig-form").requestSubmit(document.getElementById("cosigner-add"));
    }),
  );
}

// The handover (and a multisig wallet's registration): cycle the frames the server rendered, at the speed chosen on the page.
function setUpHandover() {
  const img = document.getElementById("handover-qr") || document.getElementById("registration-qr");
  if (!img) return;
  const count = Number(img.dataset.count);
  const label = document.getElementById("handover-frame");
  for (const id of ["qr-format", "qr-density", "qr-speed"]) {
    document.getElementById(id).addEventListener("change", () =>
      document.getElementById("handover-options").submit(),
    );
  }
  if (count < 2) return;
  const frames = [];
  for (let n = 0; n < count; n += 1) {
    const frame = new Image();
    frame.src = `${img.dataset.base}${n}.png?${img.dataset.query}`;
    frames.push(frame);
  }
  let n = 0;
  setInterval(() => {
    n = (n + 1) % count;
    img.src = frames[n].src;
    img.dataset.shown = String(n);
    label.textContent = `frame ${n + 1} of ${count}`;
  }, Number(img.dataset.speed));
}

// A broadcast transaction: ask the companion (which syncs) until it is in a block.
function setUpFollow() {
  const section = document.getElementById("tx");
  if (!section) return;
  const state = document.getElementById("tx-state");
  const poll = async () => {
    if (state.dataset.state === "confirmed") return;
    try {
      const response = await fetch(section.dataset.status, { method: "POST", credentials: "same-origin" });
      const report = await response.json();
      if (report.error) {
        state.textContent = `Not checked: ${report.error}. Trying again...`;
      } else {
        state.textContent = report.text;
        state.dataset.state = report.state;
        if (report.state === "confirmed") {
          // a batch of Ethereum transactions: the page shows each one's block and outcome
          if (section.dataset.reload) window.location.reload();
          return;
        }
      }
    } catch (err) {
      state.textContent = "The companion does not answer: is it still running?";
    }
    setTimeout(poll, FOLLOW_EVERY_MS);
  };
  setTimeout(poll, FOLLOW_EVERY_MS);
}

document.addEventListener("DOMContentLoaded", () => {
  setUpImport();
  setUpSignedScan();
  setUpCosignerScan();
  setUpHandover();
  setUpFollow();
});
