// Shows the OpenAPI document of /api/v1 with Swagger UI (vendored in static/vendor/swagger-ui,
// never edited), made to pass axe (WCAG 2.1 AA) by what is ours: static/css/api-docs.css, and
// here a label for each parameter's field (Swagger UI names its text boxes by a placeholder
// alone, and its lists of values not at all), examples and responses in a box that scrolls
// and that the keyboard reaches, no deep links (their link inside each operation's button
// would nest one control in another), and the light "idea" colours for examples and responses
// (the default's numbers are 3.6:1 on its dark grey).
const accessible = () => ({
  wrapComponents: {
    HighlightCode: (Original, system) => (props) =>
      system.React.createElement(
        "div",
        { className: "api-docs-code", tabIndex: 0 },
        system.React.createElement(Original, props),
      ),
    JsonSchemaForm: (Original, system) => (props) => {
      const h = system.React.createElement;
      if (typeof props.description !== "string" || !props.description) return h(Original, props);
      return h(
        "label",
        { className: "api-docs-field" },
        h("span", { className: "visually-hidden" }, props.description),
        h(Original, props),
      );
    },
  },
});

window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: false,
    syntaxHighlight: { theme: "idea" },
    plugins: [accessible],
  });
});
