// ESLint over the front-end files in addin/ (`make lint`, and `make test` through
// tests/test_js_lint.py). The task pane is ES modules; the preview and the Teams pages are
// classic scripts; all run in the browser, with Office.js, Teams JS and the Adaptive Cards
// renderer loaded by their pages. Vendored builds are not ours to lint.
import js from "@eslint/js";
import globals from "globals";

const hosted = { Office: "readonly", microsoftTeams: "readonly", AdaptiveCards: "readonly",
  msal: "readonly" };

export default [
  { ignores: ["addin/teams/vendor/**", "node_modules/**", ".venv/**"] },
  js.configs.recommended,
  {
    files: ["addin/taskpane/js/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module",
      globals: { ...globals.browser, ...hosted } },
  },
  {
    files: ["addin/preview/**/*.js", "addin/teams/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script",
      globals: { ...globals.browser, ...hosted } },
  },
  {
    files: ["addin/**/*.js"],
    rules: {
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_",
        caughtErrors: "none" }],
      eqeqeq: ["error", "smart"],
    },
  },
  {
    // The modules are modern code; the Teams pages keep their ES5 style (var) on purpose.
    files: ["addin/taskpane/js/**/*.js", "addin/preview/**/*.js"],
    rules: { "no-var": "error", "prefer-const": "error" },
  },
];
