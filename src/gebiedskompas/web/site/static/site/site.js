// htmx requests carry Django's CSRF token from the csrftoken cookie, so pages hold no per-user token
// and can be cached per role.
document.body.addEventListener("htmx:configRequest", function (e) {
  const koekje = document.cookie.split("; ").find((k) => k.startsWith("csrftoken="));
  if (koekje) e.detail.headers["X-CSRFToken"] = decodeURIComponent(koekje.split("=")[1]);
});
