-- Drives Vigil's language server from headless Neovim 0.7 (vim.lsp.start_client and
-- buf_attach_client: no lspconfig, no vim.lsp.start) and writes what it receives to JSON.
--
-- Environment:
--   VIGIL_SERVER_JS   path to dist/server.js (started as `node SERVER --stdio`)
--   VIGIL_WORKSPACE   the workspace root
--   VIGIL_OPEN_FILES  files to open, relative to the root, separated by newlines
--   VIGIL_OUT         where to write the JSON
--   VIGIL_SETTLE_MS   how long no new diagnostics must arrive before we stop (default 3000)
--   VIGIL_TIMEOUT_MS  the hard limit (default 60000)
-- VIGIL_CACHE_DIR and the rest of the environment pass through to the server.

local function env(name, default)
  local value = os.getenv(name)
  if value == nil or value == '' then
    if default == nil then error('missing environment variable ' .. name) end
    return default
  end
  return value
end

local function now_ms()
  return vim.loop.hrtime() / 1e6
end

local function run()
  local server_js = env('VIGIL_SERVER_JS')
  local root = env('VIGIL_WORKSPACE')
  local out_path = env('VIGIL_OUT')
  local settle_ms = tonumber(env('VIGIL_SETTLE_MS', '3000'))
  local timeout_ms = tonumber(env('VIGIL_TIMEOUT_MS', '60000'))
  local open_files = vim.split(env('VIGIL_OPEN_FILES', ''), '\n', { trimempty = true })

  local started = now_ms()
  local last_publish = nil
  local publishes = {}          -- every publishDiagnostics, in order: { uri, count, at_ms }
  local diagnostics = {}        -- uri -> the latest diagnostics for it
  local messages = {}           -- window/logMessage and window/showMessage text
  local exit_info = nil

  local function keep_message(_, result)
    if result and result.message then table.insert(messages, result.message) end
    return vim.NIL
  end

  local client_id = vim.lsp.start_client({
    name = 'vigil',
    cmd = { 'node', server_js, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    -- Answered by Neovim's workspace/configuration handler, section by section.
    settings = { vigil = { offline = true } },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, result)
        diagnostics[result.uri] = result.diagnostics
        last_publish = now_ms()
        table.insert(publishes, { uri = result.uri, count = #result.diagnostics, at_ms = math.floor(last_publish - started) })
      end,
      ['window/logMessage'] = keep_message,
      ['window/showMessage'] = keep_message,
    },
    on_exit = function(code, signal)
      exit_info = { code = code, signal = signal }
    end,
  })
  if not client_id then error('vim.lsp.start_client failed') end

  for _, relative in ipairs(open_files) do
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. relative))
    if not vim.lsp.buf_attach_client(vim.api.nvim_get_current_buf(), client_id) then
      error('buf_attach_client failed for ' .. relative)
    end
  end

  -- Done when every opened file has had diagnostics published and nothing new came for settle_ms.
  local function settled()
    if exit_info then return true end
    for _, relative in ipairs(open_files) do
      if diagnostics[vim.uri_from_fname(root .. '/' .. relative)] == nil then return false end
    end
    return last_publish ~= nil and now_ms() - last_publish >= settle_ms
  end
  local finished = vim.wait(timeout_ms, settled, 100)

  local client = vim.lsp.get_client_by_id(client_id)
  local report = {
    settled = finished,
    elapsed_ms = math.floor(now_ms() - started),
    server_exit = exit_info or vim.NIL,
    publishes = publishes,
    diagnostics = diagnostics,
    messages = messages,
  }
  if client and client.server_capabilities then
    report.capabilities = {
      hover = client.server_capabilities.hoverProvider or false,
      code_action = client.server_capabilities.codeActionProvider or false,
    }
  end

  local file = assert(io.open(out_path, 'w'))
  file:write(vim.fn.json_encode(report))
  file:close()

  vim.lsp.stop_client(client_id)
  vim.wait(3000, function() return exit_info ~= nil end, 50)
end

local ok, err = pcall(run)
if not ok then
  io.stderr:write('collect-diagnostics.lua: ' .. tostring(err) .. '\n')
  vim.cmd('cquit 2')
end
vim.cmd('qall!')
