/* The drawn signature: a canvas drawn on with pointer events (finger, pen or mouse), exported as a PNG data
   URL into the form's hidden field when it is submitted. The server decodes, size-checks and re-encodes it.
   Without JavaScript the drawn form stays hidden and the typed-name form remains. */
(function () {
  "use strict";
  var form = document.getElementById("sign-drawn");
  var canvas = document.getElementById("signature-pad");
  if (!form || !canvas || !canvas.getContext) { return; }

  var field = form.querySelector("input[name=signature_data]");
  var message = form.querySelector(".pad-message");
  var context = canvas.getContext("2d");
  var drawing = false;
  var drawn = false;
  var last = null;

  function setUp() {
    // Size the bitmap to the displayed size times the pixel ratio, so strokes are sharp on phones.
    var ratio = Math.min(window.devicePixelRatio || 1, 3);
    var rect = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(rect.width * ratio));
    canvas.height = Math.max(1, Math.round(rect.height * ratio));
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";
    drawn = false;
  }

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    context.beginPath();
    context.arc(last.x, last.y, context.lineWidth / 2, 0, Math.PI * 2);
    context.fillStyle = context.strokeStyle;
    context.fill();
    drawn = true;
    message.textContent = "";
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    event.preventDefault();
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    context.beginPath();
    context.moveTo(last.x, last.y);
    for (var i = 0; i < events.length; i++) {
      last = point(events[i]);
      context.lineTo(last.x, last.y);
    }
    context.stroke();
  });
  function stop(event) {
    if (!drawing) { return; }
    drawing = false;
    if (canvas.hasPointerCapture(event.pointerId)) { canvas.releasePointerCapture(event.pointerId); }
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  form.querySelector(".pad-clear").addEventListener("click", function () {
    context.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    field.value = "";
  });

  form.addEventListener("submit", function (event) {
    if (!drawn) {
      event.preventDefault();
      message.textContent = form.dataset.emptyMessage;
      return;
    }
    field.value = canvas.toDataURL("image/png");
  });

  // Resizing clears a canvas; only re-size while it is still empty so a signature is never lost.
  window.addEventListener("resize", function () { if (!drawn) { setUp(); } });

  form.hidden = false;
  setUp();
}());
