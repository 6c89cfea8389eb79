/* On-site pages of the officer (check-in, checklist, rectification queue). Everything here is an aid:
   each page works without it (the token can be typed or pasted, forms post normally). */
(function () {
  "use strict";

  // -- check-in: position and QR scanning ------------------------------------------------------------
  var form = document.getElementById("check-in-form");
  if (form) {
    var token = form.querySelector("[name=token]");
    var latitude = form.querySelector("[name=latitude]");
    var longitude = form.querySelector("[name=longitude]");
    var positionState = document.getElementById("position-state");

    // The position is evidence of where the scan happened; sent only if the officer allows it.
    if (navigator.geolocation && latitude && longitude) {
      navigator.geolocation.getCurrentPosition(
        function (position) {
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          if (positionState) positionState.textContent = positionState.dataset.located;
        },
        function () { /* refused or unavailable: check in without a position */ },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    }

    var scanButton = document.getElementById("scan-button");
    var scanner = document.getElementById("scanner");
    var video = document.getElementById("scanner-video");
    var stopButton = document.getElementById("scanner-stop");
    var stream = null;
    var scanning = false;

    var stopScanning = function () {
      scanning = false;
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        stream = null;
      }
      if (video) video.srcObject = null;
      if (scanner) scanner.hidden = true;
      if (scanButton) scanButton.hidden = false;
    };

    var startScanning = function (detector) {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (mediaStream) {
          stream = mediaStream;
          video.srcObject = stream;
          scanner.hidden = false;
          scanButton.hidden = true;
          scanning = true;
          return video.play();
        })
        .then(function () {
          var tick = function () {
            if (!scanning) return;
            detector.detect(video).then(function (codes) {
              var found = codes.find(function (code) { return code.rawValue; });
              if (found && scanning) {
                token.value = found.rawValue.trim();
                stopScanning();
                form.requestSubmit ? form.requestSubmit() : form.submit();
              } else {
                window.setTimeout(tick, 250);
              }
            }).catch(function () { window.setTimeout(tick, 500); });
          };
          tick();
        })
        .catch(function () {
          stopScanning();
          window.alert(form.dataset.cameraError);
          token.focus();
        });
    };

    var canScan = scanButton && video && "BarcodeDetector" in window &&
      navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === "function";
    if (canScan) {
      var formats = window.BarcodeDetector.getSupportedFormats
        ? window.BarcodeDetector.getSupportedFormats()
        : Promise.resolve(["qr_code"]);
      formats.then(function (supported) {
        if (supported.indexOf("qr_code") === -1) return;  // stays hidden: type or paste the code
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        scanButton.hidden = false;
        scanButton.addEventListener("click", function () { startScanning(detector); });
        if (stopButton) stopButton.addEventListener("click", stopScanning);
      }).catch(function () { scanButton.hidden = true; });
    } else if (scanButton) {
      scanButton.hidden = true;
    }
    window.addEventListener("pagehide", stopScanning);
  }

  // -- all forms: confirm where asked, and never post twice on a slow connection ----------------------
  document.querySelectorAll("form[data-confirm], form[data-once]").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      if (f.dataset.confirm && !window.confirm(f.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      if (f.hasAttribute("data-once")) {
        if (f.dataset.sent) {
          event.preventDefault();
          return;
        }
        f.dataset.sent = "1";
        // Disabled after the submission has been built, so the pressed button's value still goes out.
        window.setTimeout(function () {
          f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
        }, 0);
      }
    });
  });

  // Coming back through the browser's history restores the page as it was left: let its forms post again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-once]").forEach(function (f) {
      delete f.dataset.sent;
      f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });

  // -- photo forms: show the chosen file's name next to the big picker button --------------------------
  document.querySelectorAll(".photo-form").forEach(function (f) {
    var input = f.querySelector("input[type=file]");
    var name = f.querySelector(".photo-name");
    if (!input || !name) return;
    input.addEventListener("change", function () {
      name.textContent = input.files.length ? input.files[0].name : "";
    });
  });
})();
