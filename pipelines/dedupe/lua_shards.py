"""Lua of a sharded index (``posting_shards`` > 0): postings in slots of their own, a pending list in the record's.

A sharded index keeps its posting tables ("p", "q": lua_common's layout) in ``posting_shards`` slots
``newsdesk:{<namespace>:p<K>}`` (pipelines.keys.dedupe_shard; K chosen by the client from the feature,
index.PostingShards), so they grow with the cluster; records, ids, samples and evidence stay in the namespace's
record slot, where the check-and-insert runs (lua_scripts.CHECK_AND_ADD).  A call is then three steps:
``LOOKUP`` on each shard the text's posted features fall in (pipelined, read-only), the check on the record
slot given what they found, and for a new canonical ``POST`` on the same shards.

Racing copies still meet in the record slot.  A canonical's postings reach the shards after its check returns,
so a copy looking up in between would miss it; the check therefore also writes the new canonical's posted
features to the record slot's *pending* strings ``w:<feature % 64>`` (entries ``>I4 feature`` (an anchor
pair's plus 2^28), ``>I4 num``, ``>I4 time``, in time order), kept ``pending_seconds`` (pruned when written, and
one more string per insert round the table), and every check reads the features it looks for there as well as in
what the shards returned.  Checks run one at a time in the record slot, so of two copies the second
sees the first as a canonical whether or not its postings are in the shards yet: the decision stays serial as
long as a client posts within ``pending_seconds`` of its check (it posts right after; a client that dies in
between leaves that canonical unposted, to be found by no later copy, as a lost posting would).

Shard scripts run COMMON with KEYS[1] = the shard's meta hash (its tables' split levels, counts and purge
cursors) and ARGV[1..14] as every script.  ``LOOKUP`` ARGV[15] = posted shingle hashes (``>I4`` each), ARGV[16]
= posted anchor pairs (``>H`` each); returns, per feature in that order, the low 3 bytes of the document numbers
posted under it (the record slot, knowing the sequence, turns them into numbers: lua_common.full_num).
``POST`` ARGV[15] = the document's number (0: none, purge only), ARGV[16] = a sequence number at least as high
as any posted yet (for full_num), ARGV[17] = the record slot's ``tail``, ARGV[18] = buckets of each table to
purge of evicted entries, ARGV[19], ARGV[20] = the features as for ``LOOKUP``.  Posting is idempotent.
"""

from pipelines.dedupe.lua_common import COMMON

# Record-slot side, used by CHECK_AND_ADD: the pending string and the shards' lookup replies.
PENDING = r"""
local PEND_W, PEND_Q, PEND_BUCKETS = 12, 268435456, 64  -- bytes per entry; anchor pairs' offset; strings
local pend_cache = {}
local function pend_number(t, value) return t == 'p' and value or value + PEND_Q end
local function pend_key(n) return P .. 'w:' .. num_str(n % PEND_BUCKETS) end
local function pend_raw(key)
  local raw = pend_cache[key]
  if raw == nil then raw = redis.call('GET', key) or ''; pend_cache[key] = raw end
  return raw
end
-- the canonicals posted under value in the pending strings at or after time since
local function pend_get(t, value, since)
  local n = pend_number(t, value)
  local raw, f, out, init = pend_raw(pend_key(n)), p32(n), {}, 1
  while true do
    local at = string.find(raw, f, init, true)
    if not at then return out end
    if (at - 1) % PEND_W == 0 then
      local num, time = struct.unpack('>I4I4', raw, at + 4)
      if time >= since then out[#out + 1] = num end
      init = at + PEND_W
    else
      init = at + 1
    end
  end
end
-- a pending string with its entries older than since dropped (entries are in time order), plus added
local function pend_write(key, since, added)
  local raw, o = pend_raw(key), 1
  while o < #raw and u32(raw, o + 8) < since do o = o + PEND_W end
  local new = string.sub(raw, o) .. added
  if new == raw then return end
  pend_cache[key] = new
  if #new == 0 then redis.call('DEL', key) else redis.call('SET', key, new) end
end
-- add num's features ({table, value} pairs) to their pending strings, and prune one more string round the table
local function pend_add(features, num, since)
  local stamp, by_key, order = struct.pack('>I4I4', num, NOW), {}, {}
  for _, tv in ipairs(features) do
    local n = pend_number(tv[1], tv[2])
    local key = pend_key(n)
    if not by_key[key] then by_key[key] = {}; order[#order + 1] = key end
    local list = by_key[key]
    list[#list + 1] = p32(n) .. stamp
  end
  for _, key in ipairs(order) do pend_write(key, since, table.concat(by_key[key])) end
  local cursor = mget('wc')
  pend_write(P .. 'w:' .. num_str(cursor), since, '')
  mset('wc', (cursor + 1) % PEND_BUCKETS)
end
-- the shards' replies as the client passes them: >H n_p, >H n_q, then per feature >H count and count x 3 bytes
local function parse_looked(blob)
  local np, nq = struct.unpack('>I2I2', blob)
  local out, o = {p = {}, q = {}}, 5
  for i = 1, np + nq do
    local count = struct.unpack('>I2', blob, o)
    local lows = string.sub(blob, o + 2, o + 1 + 3 * count)
    if i <= np then out.p[i] = lows else out.q[i - np] = lows end
    o = o + 2 + 3 * count
  end
  return out
end
"""

_LOOKUP = r"""
local function lows(t, value)
  local w = W[t]
  local raw, out = pk_raw(lh_key(t, value)), {}
  for i, at in ipairs(pk_find(raw, pk_feature(t, value), w)) do out[i] = string.sub(raw, at + w, at + w + 2) end
  return table.concat(out)
end
local out, shingles, pairs_ = {}, ARGV[15], ARGV[16]
for o = 1, #shingles, 4 do out[#out + 1] = lows('p', u32(shingles, o)) end
for o = 1, #pairs_, 2 do out[#out + 1] = lows('q', (struct.unpack('>I2', pairs_, o))) end
return out
"""

_POST = r"""
local num, purge, shingles, pairs_ = tonumber(ARGV[15]), tonumber(ARGV[18]), ARGV[19], ARGV[20]
M.seq, M.tail = tonumber(ARGV[16]), tonumber(ARGV[17])  -- the record slot's, for this call only (never saved)
if num > 0 then
  for o = 1, #shingles, 4 do pk_add('p', u32(shingles, o), num) end
  for o = 1, #pairs_, 2 do pk_add('q', (struct.unpack('>I2', pairs_, o)), num) end
end
if purge > 0 then pk_purge('p', purge); pk_purge('q', purge) end
meta_save()
return 1
"""

LOOKUP = COMMON + _LOOKUP
POST = COMMON + _POST
