"""The index's Lua entry points; each runs atomically, reads first and writes last.

``CHECK_AND_ADD`` KEYS[1] = the meta hash (see lua_common); ARGV[15..22] = doc_id, exact key (8 bytes),
sample (query form; may be empty), peek ("1": return the verdict and write nothing), anchor sample (may be
empty), origin evidence (index.evidence_blob; may be empty: such a document never takes over a cluster), the
stored forms of the sample and of the anchor sample (features.Fingerprint.stored, anchors.stored_anchors);
on a sharded index (lua_shards) ARGV[23] = what the shards' LOOKUP returned, ARGV[24] = pending seconds.
Returns ``{kind, anchor doc_id, similarity x 10000, inserted, original doc_id, epoch, reason}``: kind 0
(a new canonical: its own anchor), 1 (exact), 2 (near) or 3 (rewritten copy of the anchor); the cluster's
original and epoch as they are after this call, and why it is the original (lua_common's reason codes).
An insert adds the number the client must post to the shards (0: none) and the record slot's ``tail``.

The original is chosen by evidence, not arrival: each new member is weighed against the cluster's current
original (lua_common.prefer), and a member the new page names as its source is weighed too; the winner is
written into the anchor's record in this same call, so racing workers see one order of switches.
"""

from pipelines.dedupe.lua_common import COMMON
from pipelines.dedupe.lua_shards import PENDING

_CHECK = r"""
local DOCID, EX, BLOB, ABLOB, EVBLOB = ARGV[15], ARGV[16], ARGV[17], ARGV[19], ARGV[20]
local STORED, ASTORED = ARGV[21], ARGV[22]
local IDF = id_field(DOCID)
local BINARY_ID = #IDF ~= #DOCID
-- a sharded index (lua_shards): what the shards returned for the posted features, and how long the pending
-- string keeps a new canonical's
local LOOKED = ARGV[23] and parse_looked(ARGV[23]) or nil
local SINCE = LOOKED and NOW - tonumber(ARGV[24]) or 0

-- the live documents posted under value, the i-th posted feature of table t: from the buckets here, or from the
-- shards' reply and the pending string
local function posted(t, i, value)
  if not LOOKED then return pk_get(t, value) end
  local nums, seen, tail, lows = {}, {}, mget('tail'), LOOKED[t][i] or ''
  for o = 1, #lows, 3 do
    local num = full_num((struct.unpack('>I3', lows, o)))
    if num >= tail and not seen[num] then nums[#nums + 1] = num; seen[num] = true end
  end
  for _, num in ipairs(pend_get(t, value, SINCE)) do
    if num >= tail and not seen[num] then nums[#nums + 1] = num; seen[num] = true end
  end
  return nums
end

-- a member's verdict as the cluster stands now: its kind and similarity against the anchor (an anchor that lost
-- the original to a copy takes that copy's), the anchor, the original, the epoch and the original's reason
local function verdict_of(num, rec, inserted)
  local kind = rec_kind(rec)
  local anchor = kind == 0 and num or u32(rec, 6)
  local arec = kind == 0 and rec or rec_get(anchor)
  if not arec then return {0, '', 0, inserted, '', 0, 0} end
  local o, epoch = cluster_state(anchor)
  local orec = rec_get(o)
  local oe = ev_get(o)
  local sim = kind == 0 and 0 or (struct.unpack('>I2', rec, 10))
  if kind == 0 and o ~= num then kind, sim = rec_kind(orec), (struct.unpack('>I2', orec, 10)) end
  return {kind, rec_docid(arec), sim, inserted, rec_docid(orec), epoch, oe and oe.reason or 0}
end

-- a live canonical's record, or nil
local function live_canonical(num)
  local rec = rec_get(num)
  if rec and rec_alive(rec) and rec_kind(rec) == 0 then return rec end
  return nil
end

-- 1. the same doc_id again: the verdict as the cluster stands now, nothing written
do
  local known, rec = id_get(IDF, BINARY_ID)
  if known and rec_alive(rec) then
    local reply = verdict_of(known, rec, 0)
    -- a sharded index's canonical again: its client posts again (idempotent), in case the first post failed
    if LOOKED and rec_kind(rec) == 0 and #BLOB > 0 then reply[8], reply[9] = known, mget('tail') end
    return reply
  end
end

-- 2. exact: same normalised text as a live canonical.  A text with posted shingles finds it among the canonicals
-- sharing all of them (as the same text does), by the record's key; any other in the 'x' table
local kind, canon, sim = 0, 0, 0
local EXH = u32(EX)
local X, order, raw_counts, counts = nil, {}, {}, {}
if #BLOB > 0 then X = parse_sample(BLOB) end
local POSTED = X and X.nidx > 0
if POSTED then
  for i = 1, X.nidx do
    for _, c in ipairs(posted('p', i, X.v[i])) do
      if not counts[c] then counts[c] = 0; raw_counts[c] = 0; order[#order + 1] = c end
      counts[c] = counts[c] + 1
      raw_counts[c] = raw_counts[c] + 1
    end
  end
  for _, c in ipairs(order) do
    local crec = counts[c] == X.nidx and live_canonical(c)
    if crec and string.sub(crec, 12, 19) == EX then kind, canon, sim = 1, c, 10000; break end
  end
else
  local ex = lh_get('x', EXH, EX)
  if ex and live_canonical(u32(ex)) then kind, canon, sim = 1, u32(ex), 10000 end
end

-- 3. near: canonicals sharing posted shingles, best few verified by segment cover
if kind == 0 and X then
  local best, best_num = 0, 0
  for _ = 1, CANDIDATES do
    local top, topc = nil, 0
    for _, c in ipairs(order) do
      if counts[c] > topc then top, topc = c, counts[c] end
    end
    if not top then break end
    counts[top] = -1
    local crec = live_canonical(top)
    if crec and string.sub(crec, 12, 19) == EX then best, best_num, kind = 1, top, 1; break end  -- capped postings
    local stored = crec and blob_get(top)
    if stored and #stored > 0 then
      local fwd, fwd_shared, rev, rev_shared = near_covers(X, parse_stored(stored))
      local score = math.max(fwd, rev)
      if math.max(fwd_shared, rev_shared) >= MIN_SHARED and score > best then best, best_num = score, top end
      if best >= THRESHOLD then break end  -- candidates come best-first: the first copy found wins
    end
  end
  if kind == 1 then canon, sim = best_num, 10000
  elseif best >= THRESHOLD then kind, canon, sim = 2, best_num, math.floor(best * 10000 + 0.5) end
end

-- 3b. rewritten: the same candidates (most shared postings first), judged by their anchor pairs
local A = nil
if #ABLOB > 0 then A = parse_anchors(ABLOB) end
if kind == 0 and A then
  for i = 1, A.n do
    if A.v[i] >= ANCHOR_POST then break end
    for _, c in ipairs(posted('q', i, A.v[i])) do
      if not raw_counts[c] then raw_counts[c] = 0; order[#order + 1] = c end
      raw_counts[c] = raw_counts[c] + 4
    end
  end
end
if kind == 0 and A and #order > 0 then
  local best_share, best_num = 0, 0
  for _ = 1, REWRITE_CANDIDATES do
    local top, topc = nil, 0
    for _, c in ipairs(order) do
      if raw_counts[c] > topc then top, topc = c, raw_counts[c] end
    end
    if not top then break end
    raw_counts[top] = -1
    local _, ablob = nil, nil
    if live_canonical(top) then _, ablob = blob_get(top) end
    if ablob and #ablob > 0 then
      local shared, share, spread = anchor_match(A, parse_stored_anchors(ablob))
      if shared >= MIN_ANCHOR_SHARED and spread >= ANCHOR_COVER and share > best_share then
        best_share, best_num = share, top
      end
    end
  end
  if best_share >= REWRITE then kind, canon, sim = 3, best_num, math.floor(best_share * 10000 + 0.5) end
end

-- peek (ARGV[18] == '1'): the verdict only, nothing written (newsdesk preview)
if ARGV[18] == '1' then
  if kind == 0 then return {0, '', 0, 0, '', 0, 0} end
  local o, epoch = cluster_state(canon)
  local oe = ev_get(o)
  return {kind, rec_docid(rec_get(canon)), sim, 0, rec_docid(rec_get(o)), epoch, oe and oe.reason or 0}
end

-- 4. write: record, id, evidence; for a copy the cluster's original; for a canonical its exact key, samples
-- and postings (a sharded index's go to the pending string, and the client posts them: to_post)
local to_post = 0
local num = mget('seq') + 1
mset('seq', num)
local me = p32(num)
local head = struct.pack('>BI4I4I2', kind + (BINARY_ID and 16 or 0), NOW, canon, sim)
redis.call('HSET', rec_key(num), rec_field(num), head .. EX .. IDF)
id_set(IDF, BINARY_ID, num)
local E = #EVBLOB > 0 and ev_parse(EVBLOB) or nil
if kind > 0 then
  local o, epoch, arec = cluster_state(canon)
  local oid, oe = rec_docid(rec_get(o)), ev_get(o)
  local was, why = o, 0
  -- a member the new page names as its source is named, and weighed against the original
  if E then
    for b, _ in pairs(E.names) do
      local mnum, mrec = id_get(b, true)
      if mrec and (mnum == canon or (rec_kind(mrec) ~= 0 and u32(mrec, 6) == canon)) then
        local ev = ev_get(mnum)
        if ev and (not named(ev) or (mnum == o and ev.reason == 0)) then
          if not named(ev) then ev.flags = ev.flags + 1 end
          if mnum == o and ev.reason == 0 then ev.reason = 1 end  -- the original, now named as a source too
          ev_put(mnum, ev)
        end
        if mnum ~= o then
          local wins, reason = prefer(rec_docid(mrec), ev, oid, oe)
          if wins then o, oid, oe, why = mnum, rec_docid(mrec), ev, reason end
        end
      end
    end
  end
  -- the original names the new page as its source
  local mine = id_bytes(DOCID)
  if E and oe and mine and oe.names[mine] and not named(E) then E.flags = E.flags + 1 end
  local wins, reason = prefer(DOCID, E, oid, oe)
  if wins then o, oe, why = num, E, reason end
  if o ~= was then
    epoch = epoch + 1
    set_original(canon, arec, o, epoch)
    oe.reason = why
    if o ~= num then ev_put(o, oe) end
  end
end
if E then ev_put(num, E) end
if kind == 0 then
  if not POSTED then lh_set('x', EXH, EX, me) end
  if X then
    blob_put(num, STORED, A and ASTORED or '')
    local features = {}
    for i = 1, X.nidx do features[i] = {'p', X.v[i]} end
    if A then
      for i = 1, A.n do
        if A.v[i] >= ANCHOR_POST then break end
        features[#features + 1] = {'q', A.v[i]}
      end
    end
    if LOOKED then
      pend_add(features, num, SINCE)
      to_post = num
    else
      for _, tv in ipairs(features) do pk_add(tv[1], tv[2], num) end
    end
  end
end
evict(EVICT, 0)
meta_save()
local reply = verdict_of(num, rec_get(num), 1)
reply[8], reply[9] = to_post, mget('tail')
return reply
"""

_FORGET = r"""
local IDF = id_field(ARGV[15])
local num, rec = id_get(IDF, #IDF ~= #ARGV[15])
local gone = 0
if num then drop(num, rec); gone = 1 end
meta_save()
return gone
"""

_SWEEP = r"""
local limit = tonumber(ARGV[15])
local n = evict(limit, limit)
meta_save()
return n
"""

CHECK_AND_ADD = COMMON + PENDING + _CHECK
FORGET = COMMON + _FORGET
SWEEP = COMMON + _SWEEP
