// htmx requests carry Django's CSRF token from the csrftoken cookie, so pages hold no per-user token
// and can be cached per role.
document.body.addEventListener("htmx:configRequest", function (e) {
  const koekje = document.cookie.split("; ").find((k) => k.startsWith("csrftoken="));
  if (koekje) e.detail.headers["X-CSRFToken"] = decodeURIComponent(koekje.split("=")[1]);
});

// Forms answer with their own fragment: 422 (invalid, errors next to the fields), 403 (the role may
// not) and 400 (an unknown filter value) carry a message to show, so htmx swaps them like a 200.
document.body.addEventListener("htmx:beforeSwap", function (e) {
  if ([400, 403, 422].includes(e.detail.xhr.status)) {
    e.detail.shouldSwap = true;
    e.detail.isError = false;
  }
});
