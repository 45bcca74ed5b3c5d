// Shows the OpenAPI document of /api/v1 with Swagger UI (vendored in static/vendor/swagger-ui).
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: true });
});
