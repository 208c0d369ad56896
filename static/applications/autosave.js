/* Server-side autosave of a dossier step (applications.views.candidate.autosave), and of any form
 * marked data-autosave-form (an evaluation: applications.views.evaluator.autosave).
 *
 * The step page works without this file: its save button posts the whole form. With it, the fields
 * the candidate changed are sent 1.5 s after they stop typing (at once for radios, selects, dates
 * and checkboxes, and when a field loses focus), with the step's version number; the answer gives
 * the new version, the fields saved and the messages of the refused ones, shown next to them.
 * Texts come from the form's data-msg-* attributes (translated by the template); no inline script
 * (strict CSP); the CSRF token is read from the form. The version field is "step_version" unless the
 * form names another in data-version-name; after each save the form emits "autosave:saved" with the
 * server's answer (event.detail), for the page's own additions.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");
  var form = document.getElementById("step-form") || document.querySelector("form[data-autosave-form]");
  if (!form) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var statusBox = document.getElementById("autosave-status");
  var versionName = form.getAttribute("data-version-name") || "step_version";
  var versionInput = form.querySelector('input[name="' + versionName + '"]');
  var DELAY = 1500;
  var dirty = {}; // field name (or group name) -> true
  var timer = null;
  var inflight = null;
  var stopped = false;
  var retryDelay = 0;

  function msg(name, values) {
    var text = form.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  function number(value) {
    try {
      return value.toLocaleString(document.documentElement.lang || "fr");
    } catch (error) {
      return String(value);
    }
  }

  function csrfToken() {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  // The form's data-autosave-state says where the autosave is (pending, saving, saved, error,
  // stopped): for styles and for the browser tests, which wait for "saved".
  function setState(value) {
    form.setAttribute("data-autosave-state", value);
  }

  function setStatus(text, kind, link) {
    if (!statusBox) {
      return;
    }
    statusBox.className = "autosave-status" + (kind ? " is-" + kind : "");
    statusBox.textContent = text;
    if (link) {
      statusBox.appendChild(document.createTextNode(" "));
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      statusBox.appendChild(a);
    }
  }

  // --- Character counters (textareas carrying data-counter="max") ----------------------------------

  function updateCounter(area) {
    var counter = document.getElementById(area.id + "_counter");
    if (!counter) {
      return;
    }
    var max = parseInt(area.getAttribute("data-counter"), 10);
    var count = area.value.length;
    counter.textContent = msg("counter", { count: number(count), max: number(max) });
    counter.classList.toggle("is-near", count > max * 0.9);
  }

  Array.prototype.forEach.call(form.querySelectorAll("textarea[data-counter]"), function (area) {
    var counter = document.createElement("div");
    counter.id = area.id + "_counter";
    counter.className = "char-counter";
    area.insertAdjacentElement("afterend", counter);
    var described = (area.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(counter.id);
    area.setAttribute("aria-describedby", described.join(" "));
    updateCounter(area);
    area.addEventListener("input", function () {
      updateCounter(area);
    });
  });

  // --- Work periods: add a row from the <template> (without JavaScript, the extra row does it) -----

  var addButton = document.getElementById("add-period");
  var template = document.getElementById("period-template");
  if (addButton && template) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var total = form.querySelector('input[name="periods-TOTAL_FORMS"]');
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.split("__prefix__").join(String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      document.getElementById("period-rows").appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input:not([type=hidden])");
      if (first) {
        first.focus();
      }
    });
  }

  if (!url) {
    return; // read-only page, or a stale one: no autosave
  }
  setState("idle");

  // --- What to send -----------------------------------------------------------------------------

  function groupOf(element) {
    var group = element.closest("[data-autosave-group]");
    return group ? group.getAttribute("data-autosave-group") : null;
  }

  function keyOf(element) {
    if (!element.name || element.name === "csrfmiddlewaretoken" || element.name === versionName) {
      return null;
    }
    var group = groupOf(element);
    return group ? "group:" + group : element.name;
  }

  function appendField(data, name) {
    var controls = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    if (!controls.length) {
      return;
    }
    var first = controls[0];
    if (first.type === "radio") {
      var checked = Array.prototype.filter.call(controls, function (c) {
        return c.checked;
      });
      data.append(name, checked.length ? checked[0].value : "");
    } else if (first.type === "checkbox") {
      if (first.checked) {
        data.append(name, first.value || "on");
      }
    } else {
      data.append(name, first.value);
    }
  }

  function appendGroup(data, group) {
    var box = form.querySelector('[data-autosave-group="' + group + '"]');
    var names = {};
    Array.prototype.forEach.call(box.querySelectorAll("[name]"), function (control) {
      if (!control.closest("template")) {
        names[control.name] = true;
      }
    });
    Object.keys(names).forEach(function (name) {
      appendField(data, name);
    });
  }

  // --- Messages next to the fields ---------------------------------------------------------------

  function slotFor(key) {
    return (
      document.getElementById("div_id_" + key) ||
      form.querySelector('[data-error-slot="' + CSS.escape(key) + '"]')
    );
  }

  function describedTargets(key) {
    var slot = slotFor(key);
    if (!slot) {
      return [];
    }
    var fieldset = slot.querySelector("fieldset");
    if (fieldset) {
      return [fieldset]; // a radio group is described on its fieldset
    }
    return Array.prototype.slice.call(form.querySelectorAll('[name="' + CSS.escape(key) + '"]'));
  }

  function clearError(key) {
    var id = "id_" + key + "_error";
    var box = document.getElementById(id);
    if (box) {
      box.remove();
    }
    describedTargets(key).forEach(function (target) {
      target.classList.remove("is-invalid");
      target.removeAttribute("aria-invalid");
      var ids = (target.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
        return x && x !== id;
      });
      if (ids.length) {
        target.setAttribute("aria-describedby", ids.join(" "));
      } else {
        target.removeAttribute("aria-describedby");
      }
    });
    var slot = slotFor(key);
    if (slot) {
      Array.prototype.forEach.call(slot.querySelectorAll(".is-invalid"), function (el) {
        el.classList.remove("is-invalid");
      });
    }
  }

  function showError(key, messages) {
    clearError(key);
    var slot = slotFor(key);
    if (!slot) {
      return;
    }
    var id = "id_" + key + "_error";
    var box = document.createElement("div");
    box.id = id;
    box.className = "invalid-feedback d-block";
    messages.forEach(function (text) {
      var p = document.createElement("p");
      p.className = "mb-0";
      var strong = document.createElement("strong");
      strong.textContent = text;
      p.appendChild(strong);
      box.appendChild(p);
    });
    var fieldset = slot.querySelector("fieldset");
    (fieldset || slot).appendChild(box);
    describedTargets(key).forEach(function (target) {
      if (target.tagName !== "FIELDSET") {
        target.classList.add("is-invalid");
        target.setAttribute("aria-invalid", "true");
      }
      var ids = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (ids.indexOf(id) < 0) {
        ids.push(id);
      }
      target.setAttribute("aria-describedby", ids.join(" "));
    });
  }

  function clearErrorsFor(sentKeys, errors) {
    sentKeys.forEach(function (key) {
      if (key.indexOf("group:") === 0) {
        var group = key.slice(6);
        Array.prototype.forEach.call(
          form.querySelectorAll('[id^="id_' + group + '"][id$="_error"]'),
          function (box) {
            var fieldKey = box.id.slice(3, -6);
            if (!errors[fieldKey]) {
              clearError(fieldKey);
            }
          }
        );
        if (!errors[group]) {
          clearError(group);
        }
      } else if (!errors[key]) {
        clearError(key);
      }
    });
  }

  // --- Sending -----------------------------------------------------------------------------------

  function schedule(delay) {
    if (stopped) {
      return;
    }
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(flush, delay);
  }

  function markDirty(element, delay) {
    var key = keyOf(element);
    if (!key || stopped) {
      return;
    }
    dirty[key] = true;
    setState("pending");
    schedule(delay);
  }

  function stop(text, link) {
    stopped = true;
    setState("stopped");
    if (timer) {
      clearTimeout(timer);
    }
    setStatus(text, "error", link);
  }

  function flush(options) {
    timer = null;
    if (stopped || inflight) {
      return inflight;
    }
    var keys = Object.keys(dirty);
    if (!keys.length) {
      return null;
    }
    dirty = {};
    var data = new FormData();
    data.append(versionName, versionInput.value);
    keys.forEach(function (key) {
      if (key.indexOf("group:") === 0) {
        appendGroup(data, key.slice(6));
      } else {
        appendField(data, key);
      }
    });
    setState("saving");
    if (!retryDelay) {
      setStatus(msg("saving"), "");
    }
    inflight = fetch(url, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
      redirect: "manual",
      keepalive: Boolean(options && options.keepalive),
    })
      .then(function (response) {
        if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
          stop(msg("session"), { href: form.getAttribute("data-login-url"), text: msg("login") });
          return;
        }
        if (response.status >= 500) {
          throw new Error("server " + response.status);
        }
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (answer) {
            handle(response.status, answer, keys);
          });
      })
      .catch(function () {
        // Lost connection or server error: keep what was not saved and try again, later each time.
        keys.forEach(function (key) {
          dirty[key] = true;
        });
        retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 30000);
        setStatus(msg("offline"), "error");
        setState("error");
        schedule(retryDelay);
      })
      .then(function () {
        inflight = null;
        if (!stopped && Object.keys(dirty).length && !timer) {
          schedule(DELAY);
        }
      });
    return inflight;
  }

  function handle(status, answer, keys) {
    var errors = answer.errors || {};
    if (status === 200) {
      retryDelay = 0;
      versionInput.value = String(answer.version);
      Object.keys(answer.periods || {}).forEach(function (name) {
        var input = form.querySelector('input[name="' + CSS.escape(name) + '"]');
        if (input && answer.periods[name]) {
          input.value = String(answer.periods[name]);
        }
      });
      clearErrorsFor(keys, errors);
      Object.keys(errors).forEach(function (key) {
        showError(key, errors[key]);
      });
      var progress = document.getElementById("progress-panel");
      if (progress && answer.progress_html) {
        progress.innerHTML = answer.progress_html;
      }
      var precheck = document.getElementById("precheck-panel");
      if (precheck && answer.precheck_html) {
        precheck.innerHTML = answer.precheck_html;
      }
      var hasErrors = Object.keys(errors).length > 0;
      setState(Object.keys(dirty).length ? "pending" : "saved");
      setStatus(msg(hasErrors ? "saved-errors" : "saved", { time: answer.saved_at }), hasErrors ? "error" : "saved");
      form.dispatchEvent(new CustomEvent("autosave:saved", { detail: answer }));
      return;
    }
    retryDelay = 0;
    if (status === 409 && answer.stale) {
      stop(msg("stale"), { href: window.location.pathname, text: msg("reload") });
      return;
    }
    if (status === 400 && Object.keys(errors).length) {
      Object.keys(errors).forEach(function (key) {
        showError(key, [].concat(errors[key]));
      });
      setState("error");
      setStatus(answer.error || "", "error");
      return;
    }
    stop(answer.error || msg("failed"), { href: window.location.pathname, text: msg("reload") });
  }

  // --- Events ------------------------------------------------------------------------------------

  var IMMEDIATE = { radio: true, checkbox: true, date: true, "select-one": true, "select-multiple": true, file: true };

  form.addEventListener("input", function (event) {
    var target = event.target;
    if (IMMEDIATE[target.type]) {
      return; // sent on "change"
    }
    markDirty(target, DELAY);
  });

  form.addEventListener("change", function (event) {
    markDirty(event.target, 0);
  });

  // The save button still works: if a save is on its way, wait for it (and its new version).
  var resubmitting = false;
  form.addEventListener("submit", function (event) {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    dirty = {};
    if (inflight && !resubmitting) {
      event.preventDefault();
      var submitter = event.submitter;
      inflight.then(function () {
        resubmitting = true;
        if (form.requestSubmit) {
          form.requestSubmit(submitter || undefined);
        } else {
          form.submit();
        }
      });
    }
  });

  // Leaving the page: send what is pending (the request outlives the page).
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && Object.keys(dirty).length) {
      flush({ keepalive: true });
    }
  });
})();
