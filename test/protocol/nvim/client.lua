-- A second LSP client: Neovim (0.7+, headless) drives `pyspark-architect server --stdio` the
-- way a user's config would (vim.lsp.start_client + buf_attach_client: 0.7 has no vim.lsp.start).
-- Arguments come from the environment; the result is written as JSON to PSA_RESULT.
local cli, file, result = os.getenv('PSA_CLI'), os.getenv('PSA_FILE'), os.getenv('PSA_RESULT')
local out = { diagnostics = {}, actions = {}, hover = nil, error = nil }

local function finish()
  local f = io.open(result, 'w')
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  local id = vim.lsp.start_client({
    name = 'pyspark-architect',
    cmd = { 'node', cli, 'server', '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  })
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  vim.lsp.buf_attach_client(0, id)
  vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(out.diagnostics, { code = d.code or lsp.code, line = d.lnum, source = d.source or lsp.source, message = d.message })
  end
  local first = vim.diagnostic.get(0)[1]
  if first then
    local lsp = (first.user_data or {}).lsp
    local range = { start = { line = first.lnum, character = first.col }, ['end'] = { line = first.end_lnum, character = first.end_col } }
    local responses = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', {
      textDocument = vim.lsp.util.make_text_document_params(),
      range = range,
      context = { diagnostics = lsp and { lsp } or {} },
    }, 10000) or {}
    for _, r in pairs(responses) do
      for _, a in ipairs(r.result or {}) do table.insert(out.actions, a.title) end
    end
  end
  vim.lsp.stop_client(id)
end)
if not ok then out.error = tostring(err) end
finish()
