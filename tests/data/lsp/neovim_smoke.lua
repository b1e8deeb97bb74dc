-- Headless Neovim smoke test of `charter lsp`: open a spec, wait for the server's diagnostics,
-- print them, then print the hover of the first clause tag. Run as
--   CHARTER_LSP_CMD="python -m charter lsp" nvim --headless --clean -u neovim_smoke.lua SPEC.md
local out = function(text) io.stdout:write(text .. "\n") end
local cmd = vim.split(os.getenv("CHARTER_LSP_CMD") or "charter lsp", " ", { trimempty = true })
-- The file is loaded after this script runs: start once Neovim has entered.
local function main()
  local buffer = vim.api.nvim_get_current_buf()
  local file = vim.api.nvim_buf_get_name(buffer)
  local root = os.getenv("CHARTER_LSP_ROOT") or vim.fn.fnamemodify(file, ":h")
  vim.bo[buffer].filetype = "markdown"

  local config = { name = "charter", cmd = cmd, root_dir = root }
  local client
  if vim.lsp.start then -- Neovim 0.8 and later
    client = vim.lsp.start(config, { bufnr = buffer })
  else -- Neovim 0.7 (Debian 12): start the client, then attach the buffer
    client = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buffer, client)
  end
  out("nvim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) ..
    ": started charter lsp (client " .. tostring(client) .. ") for " .. file)

  local arrived = vim.wait(60000, function() return #vim.diagnostic.get(buffer) > 0 end, 100)
  if not arrived then
    out("no diagnostics within 60 s")
    vim.cmd("cquit 1")
  end
  local found = vim.diagnostic.get(buffer)
  out(string.format("diagnostics: %d", #found))
  for _, d in ipairs(found) do
    out(string.format("  %s:%d:%d %s %s", vim.fn.fnamemodify(file, ":t"), d.lnum + 1, d.col + 1,
      tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ""),
      d.message))
  end

  local lines = vim.api.nvim_buf_get_lines(buffer, 0, -1, false)
  for number, line in ipairs(lines) do
    local column = line:find("%[%^")
    if column then
      local params = {
        textDocument = { uri = vim.uri_from_bufnr(buffer) },
        position = { line = number - 1, character = column + 1 },
      }
      local replies = vim.lsp.buf_request_sync(buffer, "textDocument/hover", params, 30000) or {}
      for _, reply in pairs(replies) do
        if reply.result and reply.result.contents then
          out(string.format("hover at %d:%d:", number, column + 2))
          for _, text in ipairs(vim.split(reply.result.contents.value, "\n")) do
            out("  " .. text)
          end
        end
      end
      break
    end
  end
  vim.lsp.stop_client(client)
  vim.cmd("qall!")
end

vim.api.nvim_create_autocmd("VimEnter", { callback = main })
