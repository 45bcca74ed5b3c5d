// The check-in page on a phone: read badges' QR codes with the camera (jsQR, vendored), find a
// name as one types, and check people in without leaving the page. Everything goes to this
// site only, so that once loaded the page works on the venue's network without the internet.
// Without a camera, or without script, the page's forms work as they are.
(() => {
  "use strict";

  const result = document.querySelector("[data-check-in-result]");
  const counter = document.querySelector("[data-check-in-counter]");
  const people = document.querySelector("[data-people]");
  const search = document.querySelector("[data-people-search]");
  const tokenForm = document.querySelector("form[data-check-in-form]");
  if (!result || !tokenForm) return;

  const CLASSES = { in: "flash-success", already: "flash-warning", refused: "flash-error" };

  function show(outcome, message) {
    result.hidden = false;
    result.className = `check-in-result flash ${CLASSES[outcome] || "flash-error"}`;
    result.textContent = message;
  }

  // The JSON this site answers, or null after saying why there is none: the connection failed,
  // the session ended (a page instead: the sign-in form, or the expired security token's
  // error), or the answer holds an error's text.
  async function ask(url, options) {
    let response;
    let answer = null;
    try {
      response = await fetch(url, {
        ...options,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if ((response.headers.get("Content-Type") || "").includes("json")) {
        answer = await response.json();
      }
    } catch (error) {
      show("refused", result.dataset.failed);
      return null;
    }
    if (!answer) {
      const sessionEnded = response.redirected || response.status < 500;
      show("refused", sessionEnded ? result.dataset.sessionEnded : result.dataset.failed);
      return null;
    }
    if (answer.error) {
      show("refused", answer.error);
      return null;
    }
    return answer;
  }

  // ------------------------------------------------------------------ checking in

  async function checkIn(form, extra) {
    const data = new FormData(form);
    for (const [name, value] of Object.entries(extra || {})) data.set(name, value);
    const answer = await ask(form.action || window.location.href, { method: "POST", body: data });
    if (!answer) return null;
    show(answer.outcome, answer.message);
    if (counter && answer.counter) counter.textContent = answer.counter;
    return answer;
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches || !form.matches("form[data-check-in-form]")) return;
    event.preventDefault();
    const extra = {};
    if (event.submitter && event.submitter.name) {
      extra[event.submitter.name] = event.submitter.value;
    }
    const answer = await checkIn(form, extra);
    if (!answer) return;
    if (form === tokenForm) {
      form.elements.token.value = "";
      form.elements.token.focus();
    } else if (answer.outcome !== "refused") {
      form.replaceWith(inBadge());
    }
  });

  // ------------------------------------------------------------------ live search

  function inBadge() {
    const badge = document.createElement("span");
    badge.className = "badge badge-attended";
    badge.textContent = people.dataset.inLabel;
    return badge;
  }

  function checkInButton(id) {
    const form = document.createElement("form");
    form.method = "post";
    form.className = "inline";
    form.dataset.checkInForm = "";
    for (const name of ["csrf_token", "day", "session"]) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = tokenForm.elements[name].value;
      form.append(input);
    }
    const button = document.createElement("button");
    button.type = "submit";
    button.name = "registration_id";
    button.value = String(id);
    button.textContent = people.dataset.checkInLabel;
    form.append(button);
    return form;
  }

  function listPeople(words, found) {
    people.replaceChildren();
    if (!words) return;
    if (!found.length) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = people.dataset.noneLabel.replace("%(words)s", words);
      people.append(empty);
      return;
    }
    for (const person of found) {
      const item = document.createElement("li");
      const organisation = document.createElement("small");
      organisation.className = "muted";
      organisation.textContent = person.organisation;
      item.append(`${person.name} `, organisation, " ", person.in ? inBadge() : checkInButton(person.id));
      people.append(item);
    }
  }

  if (search && people) {
    const field = search.elements.q;
    let timer = null;
    let asked = 0;
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const words = field.value.trim();
        const number = ++asked;
        const url = new URL(search.dataset.peopleUrl, window.location.href);
        url.searchParams.set("q", words);
        url.searchParams.set("day", search.elements.day.value);
        url.searchParams.set("session", search.elements.session.value);
        const answer = await ask(url, {});
        if (!answer || number !== asked) return; // a later search answered first
        listPeople(words, answer.people);
        if (counter) counter.textContent = answer.counter;
      }, 200);
    });
  }

  // ------------------------------------------------------------------ the camera

  const camera = document.querySelector("[data-camera]");
  if (!camera || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  if (typeof window.jsQR !== "function") return;
  camera.hidden = false;
  const start = camera.querySelector("[data-camera-start]");
  const stop = camera.querySelector("[data-camera-stop]");
  const video = camera.querySelector("[data-camera-view]");
  const status = camera.querySelector("[data-camera-status]");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const LARGEST = 640; // pixels across that are read: enough for a badge, light on a phone
  const SAME_BADGE_PAUSE = 4000; // ms before the same badge is read again
  let stream = null;
  let last = { token: "", at: 0 };
  let busy = false;

  function say(message) {
    status.hidden = false;
    status.textContent = message;
  }

  async function read() {
    if (!stream) return;
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth && !busy) {
      const scale = Math.min(1, LARGEST / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(image.data, image.width, image.height, {
        inversionAttempts: "dontInvert",
      });
      const now = Date.now();
      if (code && code.data && (code.data !== last.token || now - last.at > SAME_BADGE_PAUSE)) {
        last = { token: code.data, at: now };
        busy = true;
        await checkIn(tokenForm, { token: code.data });
        busy = false;
      }
    }
    setTimeout(read, 150);
  }

  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" } },
        audio: false,
      });
    } catch (error) {
      say(status.dataset.refused);
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    start.hidden = true;
    stop.hidden = false;
    say(status.dataset.looking);
    await video.play().catch(() => {});
    read();
  }

  function stopCamera() {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    start.hidden = false;
    stop.hidden = true;
    status.hidden = true;
  }

  start.addEventListener("click", startCamera);
  stop.addEventListener("click", stopCamera);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) stopCamera();
  });
})();
