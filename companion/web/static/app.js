// Airlock companion: the camera. Frames go to the app as JPEG; Python reads the QR codes with the
// device's own assembler. No QR or UR code runs here.
"use strict";

const FRAME_EVERY_MS = 120;

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

document.addEventListener("DOMContentLoaded", setUpImport);
