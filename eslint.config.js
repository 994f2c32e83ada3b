// The linter npm run lint and the unit tier run (test/unit/repo/lint.test.ts): ESLint's and
// typescript-eslint's recommended rules, with the exceptions below, each for a reason.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".tools/", "dist/", "tmp/", "test/fixtures/", "test/engine/module-bindings/", "examples/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore names what is left out on purpose: `const { secret: _s, ...rest } = obj`.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Declaration merging names a registry's types as `interface X extends Y {}` (core/kube/routers/registry.ts).
      "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
    },
  },
  {
    // Kubernetes objects are JSON of many shapes: the code that walks any object (a chart's templates,
    // a chart's Deployment) reads them loosely, and checks what it needs field by field.
    files: ["core/kube/helm/generate.ts", "core/kube/rollout/chart.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // These find control characters in user input (names, labels, XML text) on purpose.
    files: ["core/**/*.ts"],
    rules: { "no-control-regex": "off" },
  },
  {
    // Tests read Kubernetes, Prometheus and Grafana JSON of many shapes; typing each would only repeat the API.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
