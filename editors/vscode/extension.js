// Starts `charter lsp` (stdio) for the markdown and charter.toml files of the workspace.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("charter");
  const [command, ...args] = settings.get("command", ["charter", "lsp"]);
  const server = { command, args };
  client = new LanguageClient(
    "charter",
    "Charter",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "markdown" },
        { scheme: "file", pattern: "**/charter.toml" },
      ],
      initializationOptions: { debounce: settings.get("debounceMs", 50) },
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{charter.toml,*.md,precedents/**}"),
      },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
