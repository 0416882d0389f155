"""Lua shared by the index scripts: linear-hashed tables, doc records, samples, eviction.

Why linear hashing: Redis stores a small hash (<= 128 fields of <= 64 bytes) as
a compact listpack, ~10 bytes per entry, but a big one as a hashtable at ~70
bytes per entry.  Each logical table ("i" ids, "x" exact keys, "p" postings) is
spread over buckets that split one at a time as the table grows, keeping every
bucket small at any size, 10k or 10M documents, and every lookup O(1).

Records: ``r:<num // 64>`` field ``num % 64`` ->
``kind(1) time(4) canonical(4) similarity(2) exact(8) doc_id``; kind 0 is a
canonical, 1 an exact, 2 a near duplicate and 3 a rewritten copy.  Samples of canonicals:
``s:<num>`` (see features.Fingerprint) and ``a:<num>`` (anchors.anchor_sample).  Document numbers grow by one per
insert, in time order, so eviction walks them from the oldest (``tail``).
A canonical's record doubles as its cluster's state: its canonical field holds the
cluster's current original (0: itself) and its similarity field the cluster's epoch
(how often the original changed).  Origin evidence (index.evidence_blob) of each
document: ``e:<num // 64>`` field ``num % 64``.
Keys, and why one slot: KEYS[1] is the index's meta hash ``newsdesk:{<namespace>}:m``
(pipelines.keys.dedupe); it is declared, so a cluster client routes the call to the
slot's primary, and every other key of the index carries the same ``{<namespace>}``
hash tag, so the whole call stays in that one slot (Redis refuses a script that
reaches into another slot).  The bucket, record and sample keys a call touches
depend on what it reads (the table's split level, the postings' documents), so the
script derives them from KEYS[1]'s prefix: declaring them would take a read round
trip and a version check per call.  The index is not spread over slots by shard or
band because the check-and-insert must see every canonical a text could match in
one atomic step: split over slots, two copies racing on two shards could both
become canonical.  An index grows on one primary; separate namespaces (one per
desk or language) land on different slots.  ARGV[1..14] are the parameters below.
"""

COMMON = r"""
local META = KEYS[1]
local P = string.sub(META, 1, #META - 1)  -- the tagged prefix 'newsdesk:{<namespace>}:'
local RETENTION = tonumber(ARGV[1])
local THRESHOLD = tonumber(ARGV[2])
local QUORUM = tonumber(ARGV[3])
local MIN_COMPARED = tonumber(ARGV[4])
local CANDIDATES = tonumber(ARGV[5])
local EVICT = tonumber(ARGV[6])
local POSTING_CAP = tonumber(ARGV[7])
local MIN_SHARED = tonumber(ARGV[8])
local REWRITE = tonumber(ARGV[9])
local MIN_ANCHOR_SHARED = tonumber(ARGV[10])
local REWRITE_CANDIDATES = tonumber(ARGV[11])
local ANCHOR_POST = tonumber(ARGV[12])  -- anchor pairs below this are posted to the 'q' table
local ANCHOR_COVER = tonumber(ARGV[13])
local ANCHOR_QUORUM = tonumber(ARGV[14])
local N0, LOAD = 16, 32
local NOW = tonumber(redis.call('TIME')[1])

local M, dirty = {}, {}
do
  local raw = redis.call('HGETALL', META)
  for i = 1, #raw, 2 do M[raw[i]] = tonumber(raw[i + 1]) end
end
local function mget(f) return M[f] or 0 end
local function mset(f, v) M[f] = v; dirty[f] = true end
local function meta_save()
  local args = {}
  for f, _ in pairs(dirty) do args[#args + 1] = f; args[#args + 1] = string.format('%d', M[f]) end
  if #args > 0 then redis.call('HSET', META, unpack(args)) end
end

local function u32(s, i) return (struct.unpack('>I4', s, i or 1)) end
local function p32(n) return struct.pack('>I4', n) end
local function num_str(n) return string.format('%d', n) end

-- linear hashing ---------------------------------------------------------
local function lh_base(t) return N0 * 2 ^ mget(t .. 'L') end
local function lh_key(t, h)
  local base = lh_base(t)
  local b = h % base
  if b < mget(t .. 's') then b = h % (2 * base) end
  return P .. t .. ':' .. num_str(b)
end
local function lh_addr(t, field)
  if t == 'i' then return tonumber(string.sub(redis.sha1hex(field), 1, 8), 16) end
  return u32(field)
end
local function lh_split(t)
  local base, s = lh_base(t), mget(t .. 's')
  local src = P .. t .. ':' .. num_str(s)
  local dst = P .. t .. ':' .. num_str(s + base)
  local raw = redis.call('HGETALL', src)
  local moved, gone = {}, {}
  for i = 1, #raw, 2 do
    if lh_addr(t, raw[i]) % (2 * base) ~= s then
      moved[#moved + 1] = raw[i]; moved[#moved + 1] = raw[i + 1]; gone[#gone + 1] = raw[i]
    end
  end
  if #gone > 0 then
    redis.call('HSET', dst, unpack(moved))
    redis.call('HDEL', src, unpack(gone))
  end
  s = s + 1
  if s >= base then mset(t .. 'L', mget(t .. 'L') + 1); s = 0 end
  mset(t .. 's', s)
end
local function lh_get(t, h, field) return redis.call('HGET', lh_key(t, h), field) end
local function lh_set(t, h, field, value)
  if redis.call('HSET', lh_key(t, h), field, value) == 1 then
    local n = mget(t .. 'n') + 1
    mset(t .. 'n', n)
    if n > LOAD * (lh_base(t) + mget(t .. 's')) then lh_split(t) end
  end
end
local function lh_del(t, h, field)
  if redis.call('HDEL', lh_key(t, h), field) == 1 then mset(t .. 'n', mget(t .. 'n') - 1) end
end

-- records and samples ------------------------------------------------------
local function rec_key(num) return P .. 'r:' .. num_str(math.floor(num / 64)) end
local function rec_field(num) return num_str(num % 64) end
local function rec_get(num) return redis.call('HGET', rec_key(num), rec_field(num)) end
local function rec_alive(rec) return u32(rec, 2) > NOW - RETENTION end
local function rec_docid(rec) return string.sub(rec, 20) end

-- origin evidence ------------------------------------------------------------
-- >BBBddB flags (1: named as its source by another member, 2: published is a day only), reason of being the
-- original (0 first, 1 named, 2 role, 3 published, 4 fetched), role rank (0 original reporting,
-- 1 unset, 2 aggregator), published and fetched (epoch seconds, 0: unknown), n; then n named article ids (16 bytes)
local function ev_key(num) return P .. 'e:' .. num_str(math.floor(num / 64)) end
local function ev_parse(raw)
  local flags, reason, role, pub, fetched, n = struct.unpack('>BBBddB', raw)
  local e = {flags = flags, reason = reason, role = role, pub = pub, fetched = fetched, names = {}, raw = raw}
  for i = 1, n do e.names[string.sub(raw, 5 + 16 * i, 20 + 16 * i)] = true end
  return e
end
local function ev_get(num)
  local raw = redis.call('HGET', ev_key(num), rec_field(num))
  return raw and ev_parse(raw) or nil
end
local function ev_put(num, e)
  e.raw = struct.pack('>BB', e.flags, e.reason) .. string.sub(e.raw, 3)
  redis.call('HSET', ev_key(num), rec_field(num), e.raw)
end
local function id_bytes(docid)  -- an article id (32 hex digits) as 16 bytes; nil for any other doc id
  if #docid ~= 32 or string.find(docid, '[^0-9a-f]') then return nil end
  return (string.gsub(docid, '..', function(h) return string.char(tonumber(h, 16)) end))
end
local function id_hex(b) return (string.gsub(b, '.', function(c) return string.format('%02x', string.byte(c)) end)) end
local function named(e) return e.flags % 2 == 1 end
local function day_only(e) return math.floor(e.flags / 2) % 2 == 1 end

-- whether a is the better original than b, and the evidence that decided (0: none, keep b): a page naming the
-- other as its source, then being named by a member, the sources' roles, the publication dates, the first fetch
local function prefer(aid, ea, bid, eb)
  if not ea or not eb then return false, 0 end
  local ab, bb = id_bytes(aid), id_bytes(bid)
  if ab and eb.names[ab] then return true, 1 end
  if bb and ea.names[bb] then return false, 1 end
  if named(ea) ~= named(eb) then return named(ea), 1 end
  if ea.role ~= eb.role then return ea.role < eb.role, 2 end
  if ea.pub > 0 and eb.pub > 0 then
    local ap, bp = ea.pub, eb.pub
    if day_only(ea) or day_only(eb) then ap, bp = math.floor(ap / 86400), math.floor(bp / 86400) end
    if ap ~= bp then return ap < bp, 3 end
  end
  if ea.fetched ~= eb.fetched then return ea.fetched < eb.fetched, 4 end
  return false, 0  -- a tie keeps the first arrival: no evidence is no reason to switch
end

-- a cluster (its anchor, the canonical whose fingerprint copies match): its original's num and its epoch
local function cluster_state(anchor)
  local arec = rec_get(anchor)
  if not arec then return anchor, 0, nil end
  local o, epoch = struct.unpack('>I4I2', arec, 6)
  if o == 0 or not rec_get(o) then o = anchor end
  return o, epoch, arec
end
local function set_original(anchor, arec, o, epoch)
  local field = struct.pack('>I4I2', o == anchor and 0 or o, epoch % 65536)
  redis.call('HSET', rec_key(anchor), rec_field(anchor), string.sub(arec, 1, 5) .. field .. string.sub(arec, 12))
end

local function parse_sample(blob)
  local nseg = string.byte(blob, 7)
  local n = (#blob - 7 - nseg) / 5
  local s = {tau = u32(blob, 1), nidx = (struct.unpack('>I2', blob, 5)), n = n, vs = {}, vn = {}}
  s.len = {string.byte(blob, 8, 7 + nseg)}
  s.sg = {string.byte(blob, 8 + nseg, 7 + nseg + n)}
  local vs, i = s.vs, 0
  for v in string.gmatch(string.sub(blob, 8 + nseg + n), '....') do i = i + 1; vs[i] = v end
  return s
end
local function vnum(s, i)
  local v = s.vn[i]
  if not v then v = u32(s.vs[i]); s.vn[i] = v end
  return v
end
-- how many of s's hashes (ascending) lie below tau
local function below(s, tau)
  local k = s.n
  if tau >= s.tau then return k end
  while k > 0 and vnum(s, k) >= tau do k = k - 1 end
  return k
end
local function sample_set(s)
  local set = {}
  for i = 1, s.n do set[s.vs[i]] = true end
  return set
end

-- share of a's text (in tokens, over segments holding samples below tau) in segments that reappear
-- in b, and the plain share of a's samples found in b
local function cover(a, bset, tau)
  local n, hit, vs, sg = {}, {}, a.vs, a.sg
  local samples = below(a, tau)
  if samples < MIN_COMPARED then return 0, 0 end
  for i = 1, samples do
    local g = sg[i]
    n[g] = (n[g] or 0) + 1
    if bset[vs[i]] then hit[g] = (hit[g] or 0) + 1 end
  end
  local good, total, shared = 0, 0, 0
  for g, c in pairs(n) do
    local w = a.len[g + 1] or 1
    total = total + w
    local h = hit[g] or 0
    shared = shared + h
    if h >= 1 and h >= QUORUM * c then good = good + w end
  end
  return good / total, shared / samples
end

-- anchor samples (anchors.py): >H tau, >H n, n x >H ascending, then n regions of 2 bits, 4 to a byte
local function parse_anchors(blob)
  local tau, n = struct.unpack('>I2I2', blob)
  local a = {tau = tau, n = n, v = {}, set = {}, region = {}}
  for i = 1, n do
    local raw = string.sub(blob, 3 + 2 * i, 4 + 2 * i)
    a.v[i] = (struct.unpack('>I2', raw))
    a.set[raw] = i
  end
  local base = 4 + 2 * n
  for i = 1, n do
    local byte = string.byte(blob, base + math.floor((i - 1) / 4) + 1) or 0
    a.region[i] = math.floor(byte / 4 ^ ((i - 1) % 4)) % 4
  end
  return a
end
-- share of a sample's features (below tau) in regions where at least ANCHOR_QUORUM of them are shared
local function anchor_cover(a, tau, hit)
  local n, h, total = {0, 0, 0, 0}, {0, 0, 0, 0}, 0
  for i = 1, a.n do
    if a.v[i] <= tau then
      local r = a.region[i] + 1
      n[r] = n[r] + 1
      total = total + 1
      if hit[i] then h[r] = h[r] + 1 end
    end
  end
  local good = 0
  for r = 1, 4 do
    if h[r] >= 1 and h[r] >= ANCHOR_QUORUM * n[r] then good = good + n[r] end
  end
  return total > 0 and good / total or 0
end
-- anchor pairs in common below the smaller threshold, their share of the larger sample, and the smaller of the
-- two texts' covers (how evenly the shared pairs spread over each text: a mix shares them in one part only)
local function anchor_match(a, b)
  local tau = math.min(a.tau, b.tau)
  local na, nb, shared, ahit, bhit = 0, 0, 0, {}, {}
  for i = 1, a.n do
    if a.v[i] <= tau then
      na = na + 1
      local j = b.set[struct.pack('>I2', a.v[i])]
      if j then shared = shared + 1; ahit[i] = true; bhit[j] = true end
    end
  end
  for i = 1, b.n do if b.v[i] <= tau then nb = nb + 1 end end
  local larger = math.max(na, nb)
  if larger == 0 then return 0, 0, 0 end
  return shared, shared / larger, math.min(anchor_cover(a, tau, ahit), anchor_cover(b, tau, bhit))
end

-- eviction -----------------------------------------------------------------
local function posting_remove(t, v, vs, me)
  local pl = lh_get(t, v, vs)
  if not pl then return end
  local kept = {}
  for o = 1, #pl, 4 do
    local c = string.sub(pl, o, o + 3)
    if c ~= me then kept[#kept + 1] = c end
  end
  if #kept == 0 then lh_del(t, v, vs) else redis.call('HSET', lh_key(t, v), vs, table.concat(kept)) end
end

local function drop(num, rec)
  redis.call('HDEL', rec_key(num), rec_field(num))
  redis.call('HDEL', ev_key(num), rec_field(num))
  local docid = rec_docid(rec)
  local idh = lh_addr('i', docid)
  local cur = lh_get('i', idh, docid)
  if cur and u32(cur) == num then lh_del('i', idh, docid) end
  if string.byte(rec, 1) ~= 0 then return end
  local ex = string.sub(rec, 12, 19)
  local exh = u32(ex)
  local cur2 = lh_get('x', exh, ex)
  if cur2 and u32(cur2) == num then lh_del('x', exh, ex) end
  local skey = P .. 's:' .. num_str(num)
  local blob = redis.call('GET', skey)
  if blob then
    local s = parse_sample(blob)
    local me = p32(num)
    for i = 1, s.nidx do posting_remove('p', vnum(s, i), s.vs[i], me) end
    redis.call('DEL', skey)
  end
  local akey = P .. 'a:' .. num_str(num)
  local ablob = redis.call('GET', akey)
  if ablob then
    local a, me = parse_anchors(ablob), p32(num)
    for i = 1, a.n do
      if a.v[i] >= ANCHOR_POST then break end
      posting_remove('q', a.v[i], struct.pack('>I4', a.v[i]), me)
    end
    redis.call('DEL', akey)
  end
end

local function evict(limit)
  local tail, seq, done, steps = mget('tail'), mget('seq'), 0, 0
  if tail == 0 then tail = 1 end
  while done < limit and tail <= seq and steps < 8 * limit do
    steps = steps + 1
    local rec = rec_get(tail)
    if rec then
      if rec_alive(rec) then break end
      drop(tail, rec)
      done = done + 1
    end
    tail = tail + 1
  end
  if tail ~= mget('tail') then mset('tail', tail) end
  return done
end
"""
