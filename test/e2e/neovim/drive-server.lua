-- Observes Vigil's language server in headless Neovim 0.7, configured only by the documented
-- snippet (docs/editors.md, "Neovim 0.7 to 0.10"), which neovim.test.ts loads as the init file:
-- that snippet starts the one client (vim.lsp.start_client, settings in init_options and pushed
-- from on_init) and attaches every json/text buffer to it on FileType. This script only opens the
-- files, records what arrives through Neovim's global handlers, and writes it to JSON. Once the
-- diagnostics settle, it runs the probes: hovers, and code actions applied with Neovim's own
-- vim.lsp.util.apply_workspace_edit and written to disk.
--
-- Environment:
--   VIGIL_WORKSPACE   the workspace root (Neovim's cwd, which the snippet takes as root_dir)
--   VIGIL_OPEN_FILES  files to open, relative to the root, separated by newlines
--   VIGIL_PROBES      JSON list, run in order after the diagnostics settle:
--                       { request = 'hover', file, line, character }
--                       { request = 'codeAction', file, line, character, title_prefix }
--                     (file relative to the root; line and character 0-based, as in LSP)
--   VIGIL_OUT         where to write the JSON
--   VIGIL_SETTLE_MS   how long no new diagnostics must arrive before we stop (default 3000)
--   VIGIL_TIMEOUT_MS  the hard limit (default 60000)

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

local REQUEST_TIMEOUT_MS = 10000

local function run()
  local root = env('VIGIL_WORKSPACE')
  local out_path = env('VIGIL_OUT')
  local settle_ms = tonumber(env('VIGIL_SETTLE_MS', '3000'))
  local timeout_ms = tonumber(env('VIGIL_TIMEOUT_MS', '60000'))
  local open_files = vim.split(env('VIGIL_OPEN_FILES', ''), '\n', { trimempty = true })
  local probes = vim.json.decode(env('VIGIL_PROBES', '[]'))

  local started = now_ms()
  local last_publish = nil
  local publishes = {}          -- every publishDiagnostics, in order: { uri, count, at_ms }
  local diagnostics = {}        -- uri -> the latest diagnostics for it, as received
  local published_version = {}  -- uri -> the document version of the latest publish
  local messages = {}           -- window/logMessage and window/showMessage text
  local message_requests = {}   -- window/showMessageRequest text: Neovim's own handler would block on a prompt

  local function keep_message(_, result)
    if result and result.message then table.insert(messages, result.message) end
    return vim.NIL
  end

  -- Global handlers, which every client without its own uses: observation only, the snippet sets none.
  local on_publish_diagnostics = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    diagnostics[result.uri] = result.diagnostics
    published_version[result.uri] = result.version
    last_publish = now_ms()
    table.insert(publishes, { uri = result.uri, count = #result.diagnostics, at_ms = math.floor(last_publish - started) })
    -- Neovim's own handler too: the code actions take their context from vim.diagnostic.
    on_publish_diagnostics(err, result, ctx, config)
  end
  vim.lsp.handlers['window/logMessage'] = keep_message
  vim.lsp.handlers['window/showMessage'] = keep_message
  vim.lsp.handlers['window/showMessageRequest'] = function(_, result)
    table.insert(message_requests, result and result.message or '')
    return vim.NIL
  end

  -- Opening a file fires FileType, on which the snippet starts the client (once) and attaches the buffer.
  local buffers = {}
  for _, relative in ipairs(open_files) do
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. relative))
    buffers[relative] = vim.api.nvim_get_current_buf()
  end

  -- Client IDs count up from 1; get_client_by_id also sees clients still initializing, unlike get_active_clients.
  local vigil_ids = {}
  for id = 1, 100 do
    local candidate = vim.lsp.get_client_by_id(id)
    if candidate and candidate.name == 'vigil' then table.insert(vigil_ids, id) end
  end
  if #vigil_ids ~= 1 then error(#vigil_ids .. ' clients named vigil after opening the files (the snippet starts one)') end
  local client_id = vigil_ids[1]
  local unattached = {}
  for relative, bufnr in pairs(buffers) do
    if not vim.lsp.buf_is_attached(bufnr, client_id) then table.insert(unattached, relative) end
  end
  local function server_stopped() return vim.lsp.get_client_by_id(client_id) == nil end

  -- Done when every opened file has had diagnostics published and nothing new came for settle_ms.
  local function settled()
    if server_stopped() then return true end
    for _, relative in ipairs(open_files) do
      if diagnostics[vim.uri_from_fname(root .. '/' .. relative)] == nil then return false end
    end
    return last_publish ~= nil and now_ms() - last_publish >= settle_ms
  end
  local finished = vim.wait(timeout_ms, settled, 100)
  local elapsed_ms = math.floor(now_ms() - started)
  local settled_diagnostics = vim.deepcopy(diagnostics) -- before the probes edit anything
  local client = vim.lsp.get_client_by_id(client_id)

  local function on_line(uri, line)
    return vim.tbl_filter(function(d) return d.range.start.line == line end, diagnostics[uri] or {})
  end

  -- Opens the probe's file in the window and puts the cursor on its position, as a user would.
  local function visit(probe)
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. probe.file))
    vim.api.nvim_win_set_cursor(0, { probe.line + 1, probe.character })
    return vim.api.nvim_get_current_buf(), vim.uri_from_fname(root .. '/' .. probe.file)
  end

  local function hover(probe)
    local bufnr = visit(probe)
    local response = client.request_sync('textDocument/hover', vim.lsp.util.make_position_params(), REQUEST_TIMEOUT_MS, bufnr)
    if not response then return { error = 'no hover response within ' .. REQUEST_TIMEOUT_MS .. ' ms' } end
    return { error = response.err and response.err.message or vim.NIL, hover = response.result or vim.NIL }
  end

  -- What vim.lsp.buf.code_action() does, minus the menu: the line's diagnostics as the context,
  -- then the chosen action's edit through apply_workspace_edit; then :write and wait for the
  -- server's diagnostics of the edited version.
  local function request_actions(bufnr, line)
    local params = vim.lsp.util.make_range_params()
    params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, line, nil, client_id) }
    local response = client.request_sync('textDocument/codeAction', params, REQUEST_TIMEOUT_MS, bufnr)
    if not response then error('no codeAction response within ' .. REQUEST_TIMEOUT_MS .. ' ms') end
    if response.err then error('codeAction failed: ' .. response.err.message) end
    return params.context.diagnostics, response.result or {}
  end

  local function titles(actions)
    return vim.tbl_map(function(action) return action.title end, actions)
  end

  local function code_action(probe)
    local bufnr, uri = visit(probe)
    local context, actions = request_actions(bufnr, probe.line)
    local outcome = { context_codes = vim.tbl_map(function(d) return d.code end, context), titles = titles(actions) }
    local chosen = nil
    for _, action in ipairs(actions) do
      if action.edit and vim.startswith(action.title, probe.title_prefix) then chosen = action; break end
    end
    if not chosen then return outcome end
    outcome.applied = chosen.title
    outcome.before = on_line(uri, probe.line)

    vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
    vim.api.nvim_buf_call(bufnr, function() vim.cmd('silent write') end)
    local edited_version = vim.lsp.util.buf_versions[bufnr]
    local republished = vim.wait(REQUEST_TIMEOUT_MS, function()
      return server_stopped() or (published_version[uri] or -1) >= edited_version
    end, 50)
    outcome.republished = republished and not server_stopped()
    outcome.after = on_line(uri, probe.line)
    outcome.titles_after = titles(select(2, request_actions(bufnr, probe.line)))
    return outcome
  end

  local probe_results = {}
  if finished and not server_stopped() then
    for _, probe in ipairs(probes) do
      local ok, result = pcall(probe.request == 'hover' and hover or code_action, probe)
      table.insert(probe_results, ok and result or { error = tostring(result) })
    end
  end

  local report = {
    settled = finished,
    elapsed_ms = elapsed_ms,
    server_stopped = server_stopped(),
    unattached = unattached,
    publishes = publishes,
    diagnostics = settled_diagnostics,
    messages = messages,
    message_requests = message_requests,
    probes = probe_results,
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
  vim.wait(3000, server_stopped, 50)
end

local ok, err = pcall(run)
if not ok then
  io.stderr:write('drive-server.lua: ' .. tostring(err) .. '\n')
  vim.cmd('cquit 2')
end
vim.cmd('qall!')
