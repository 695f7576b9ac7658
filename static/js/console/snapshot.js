// Snapshots for evidence: an image pasted or picked is scaled down and re-encoded as JPEG in the
// browser, so an unsent tag can keep it in localStorage (a few hundred KB, not megabytes).

const MAX_SIDE = 1600;
const QUALITY = 0.85;

export function imageFromClipboard(event) {
  const items = event.clipboardData ? Array.from(event.clipboardData.items) : [];
  const item = items.find((entry) => entry.kind === "file" && entry.type.startsWith("image/"));
  return item ? item.getAsFile() : null;
}

export async function toSnapshot(file) {
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    context.fillStyle = "#000";
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0, width, height);
    return { dataUrl: canvas.toDataURL("image/jpeg", QUALITY), width, height };
  } finally {
    bitmap.close();
  }
}
