"""Lua shared by the index scripts: linear-hashed tables, doc records, samples, postings, eviction.

Layout, chosen for bytes (bench/dedupe_budget.py: what a new article costs).  Every Redis key costs ~60 bytes
of its own, so per-document data lives in shared buckets, never in a key per document:

* Hash tables ("i" doc ids, "x" exact keys) are spread over buckets by *linear hashing*: a small hash
  (<= 128 fields of <= 64 bytes) is a compact listpack at ~3 bytes per entry beyond its data, a big one a
  hashtable at ~70, so buckets split one at a time as the table grows, keeping each small at any size.
* Records: ``r:<num // 64>`` field ``num % 64`` -> ``kind(1) time(4) canonical(4) similarity(2) exact(8)
  doc_id``; kind 0 is a canonical, 1 an exact, 2 a near duplicate and 3 a rewritten copy, plus 16 when the
  doc_id is an article id (32 hex digits) stored as its 16 bytes (so too in "i").
* Samples of canonicals: ``c:<num // 16>``, one string of entries ``B num % 16`` (+ 128 when an anchor
  sample follows), then the stored shingle sample (features.Fingerprint.stored) and the anchor sample
  (anchors.stored_anchors), each as long as its header's counts say; written by GET and SET (APPEND would
  leave Redis's doubling slack in the string).
* Postings ("p" shingles, "q" anchor pairs): linear-hashed buckets too, but each a string of fixed-size
  entries (the feature's bits its bucket number does not give, then the document number's low 3 bytes),
  appended in document order.  Entries of evicted documents (number below ``tail``) are dropped from a
  bucket whenever it is written, and a cursor sweeps the rest, so eviction never has to find them.

Document numbers grow by one per insert, in time order, so eviction walks them from the oldest (``tail``);
postings keep their low 24 bits, read back as the latest number with those bits (an index holds far fewer
than 16.7M documents in one retention window).
A canonical's record doubles as its cluster's state: its canonical field holds the
cluster's current original (0: itself) and its similarity field the cluster's epoch
(how often the original changed).  Origin evidence (index.evidence_blob) of each
document: ``e:<num // 64>`` field ``num % 64``.
Keys: KEYS[1] is a meta hash, ``newsdesk:{<namespace>}:m`` (pipelines.keys.dedupe) for the record slot; it is
declared, so a cluster client routes the call to the slot's primary, and every other key a call touches carries the
same hash tag, so the call stays in that one slot (Redis refuses a script that reaches into another slot).  The
bucket, record and sample keys a call touches depend on what it reads (the table's split level, the postings'
documents), so the script derives them from KEYS[1]'s prefix: declaring them would take a read round trip and a
version check per call.  By default the posting tables live in the record slot too and a check-and-insert is one
call; a sharded index (``posting_shards`` > 0) keeps them in slots of their own, each with its own meta hash as
KEYS[1] and the same code for its tables (lua_shards).  ARGV[1..14] are the parameters below.
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
local N0, LOAD, PACKED_LOAD = 16, 32, 128  -- first buckets; entries per hash bucket, per posting bucket
local BLOB_GROUP = 16  -- canonicals' samples per 'c' string
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
local function rec_kind(rec) return string.byte(rec, 1) % 16 end
local function rec_idfield(rec) return string.sub(rec, 20) end  -- the doc id as the 'i' table keys it

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
local function hex_bytes(h) return (string.gsub(h, '..', function(x) return string.char(tonumber(x, 16)) end)) end
local function id_bytes(docid)  -- an article id (32 hex digits) as 16 bytes; nil for any other doc id
  if #docid ~= 32 or string.find(docid, '[^0-9a-f]') then return nil end
  return hex_bytes(docid)
end
local function id_hex(b) return (string.gsub(b, '.', function(c) return string.format('%02x', string.byte(c)) end)) end
-- the doc id as stored: an article id as its 16 bytes, any other as it is (a record says which: kind + 16)
local function id_field(docid) return id_bytes(docid) or docid end
local function rec_docid(rec)
  local f = rec_idfield(rec)
  if string.byte(rec, 1) >= 16 then return id_hex(f) end
  return f
end
-- the 'i' table: doc id -> number (>I4), an article id keyed by 8 bytes of its SHA-1 (whatever its bytes look
-- like; its record holds them all, and id_get compares); id fields as id_field gives them, binary for article ids
local function id_key(f, binary) return binary and hex_bytes(string.sub(redis.sha1hex(f), 1, 16)) or f end
local function id_get(f, binary)
  local k = id_key(f, binary)
  local v = lh_get('i', lh_addr('i', k), k)
  local num = v and u32(v)
  local rec = num and rec_get(num)
  if rec and rec_idfield(rec) == f then return num, rec end
  return nil
end
local function id_set(f, binary, num)
  local k = id_key(f, binary)
  lh_set('i', lh_addr('i', k), k, p32(num))
end
local function id_del(f, binary, num)
  local k = id_key(f, binary)
  local h = lh_addr('i', k)
  local cur = lh_get('i', h, k)
  if cur and u32(cur) == num then lh_del('i', h, k) end
end
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

-- the query form of a sample (features.Fingerprint.sample): full hashes, ascending, each with its segment
local function parse_sample(blob)
  local nseg = string.byte(blob, 7)
  local n = (#blob - 7 - nseg) / 5
  local s = {tau = u32(blob, 1), nidx = (struct.unpack('>I2', blob, 5)), n = n, v = {}}
  s.len = {string.byte(blob, 8, 7 + nseg)}
  s.sg = {string.byte(blob, 8 + nseg, 7 + nseg + n)}
  local bytes, v = {string.byte(blob, 8 + nseg + n, #blob)}, s.v
  for i = 1, n do
    local o = 4 * i
    v[i] = ((bytes[o - 3] * 256 + bytes[o - 2]) * 256 + bytes[o - 1]) * 256 + bytes[o]
  end
  return s
end
-- the i-th of the 12-bit values packed two to 3 bytes from bytes[o + 1] on
local function unpack12(bytes, o, i)
  local at = o + 3 * math.floor((i - 1) / 2)
  if i % 2 == 1 then return bytes[at + 1] * 16 + math.floor(bytes[at + 2] / 16) end
  return (bytes[at + 2] % 16) * 256 + bytes[at + 3]
end
-- the stored form (Fingerprint.stored): >I4 tau, B m, m x (B length, B count), then 12-bit scaled hashes,
-- two to 3 bytes
local SCALE = 4096
local function parse_stored(blob)
  local tau, m = struct.unpack('>I4B', blob)
  local bytes = {string.byte(blob, 6, #blob)}
  local y = {tau = tau, key = {}, seg = {}, len = {}, set = {}}
  local i, o = 0, 2 * m
  for g = 1, m do
    y.len[g] = bytes[2 * g - 1]
    for _ = 1, bytes[2 * g] do
      i = i + 1
      local k = unpack12(bytes, o, i)
      y.key[i], y.seg[i], y.set[k] = k, g, true
    end
  end
  y.n = i
  return y
end

-- share of a text (in tokens, over the segments holding compared samples) in segments where at least QUORUM of
-- their samples reappear, and the plain share of its compared samples that reappear: sample i of n lies in
-- segment seg[i] (len[g] tokens long) and reappears when hit[i]
local function cover(n, seg, len, hit)
  if n < MIN_COMPARED then return 0, 0 end
  local cnt, hits = {}, {}
  for i = 1, n do
    local g = seg[i]
    cnt[g] = (cnt[g] or 0) + 1
    if hit[i] then hits[g] = (hits[g] or 0) + 1 end
  end
  local good, total, shared = 0, 0, 0
  for g, c in pairs(cnt) do
    local w = len[g] or 1
    total = total + w
    local h = hits[g] or 0
    shared = shared + h
    if h >= 1 and h >= QUORUM * c then good = good + w end
  end
  return good / total, shared / n
end
-- both covers of a query sample x and a stored sample y over their samples below the smaller tau, compared in
-- y's scale (a hash h is y's key floor(h * SCALE / y.tau)): (cover of x, shared share of x, the same of y)
local function near_covers(x, y)
  local tau = math.min(x.tau, y.tau)
  local xn, xseg, xhit, xkeys = 0, {}, {}, {}
  for i = 1, x.n do
    local h = x.v[i]
    if h >= tau then break end
    local k = math.floor(h * SCALE / y.tau)
    xn = xn + 1
    xseg[xn], xhit[xn], xkeys[k] = x.sg[i] + 1, y.set[k], true
  end
  local limit = tau * SCALE / y.tau  -- y's keys below it are y's hashes below tau
  local yn, yseg, yhit = 0, {}, {}
  for i = 1, y.n do
    local k = y.key[i]
    if k < limit then
      yn = yn + 1
      yseg[yn], yhit[yn] = y.seg[i], xkeys[k]
    end
  end
  local fwd, fwd_shared = cover(xn, xseg, x.len, xhit)
  local rev, rev_shared = cover(yn, yseg, y.len, yhit)
  return fwd, fwd_shared, rev, rev_shared
end

-- canonicals' samples, BLOB_GROUP to a string: entries B slot (+ 128 when it has an anchor sample), then the
-- stored shingle sample and the stored anchor sample, each telling its own length (the counts in its header)
local HAS_ANCHORS = 128
local blob_cache = {}
local function blob_key(num) return P .. 'c:' .. num_str(math.floor(num / BLOB_GROUP)) end
local function blob_raw(key)
  local raw = blob_cache[key]
  if raw == nil then raw = redis.call('GET', key) or ''; blob_cache[key] = raw end
  return raw
end
local function packed12_len(count) return 3 * math.ceil(count / 2) end
local function stored_len(raw, o)  -- bytes of the stored shingle sample at o: header, segments, samples
  local m, count = string.byte(raw, o + 4), 0
  local head = {string.byte(raw, o + 5, o + 4 + 2 * m)}  -- one call for every (length, count) pair
  for g = 2, 2 * m, 2 do count = count + head[g] end
  return 5 + 2 * m + packed12_len(count)
end
local function stored_anchors_len(raw, o)  -- the same of a stored anchor sample: tau, four region counts, features
  local a, b, c, d = string.byte(raw, o + 2, o + 5)
  return 6 + packed12_len(a + b + c + d)
end
local function blob_find(raw, slot)  -- offset of slot's entry in raw and its two samples' lengths, or nil
  local o = 1
  while o < #raw do
    local head = string.byte(raw, o)
    local m = stored_len(raw, o + 1)
    local n = head >= HAS_ANCHORS and stored_anchors_len(raw, o + 1 + m) or 0
    if head % HAS_ANCHORS == slot then return o, m, n end
    o = o + 1 + m + n
  end
  return nil
end
local function blob_get(num)  -- a canonical's stored shingle sample and anchor sample, or nil
  local raw = blob_raw(blob_key(num))
  local o, m, n = blob_find(raw, num % BLOB_GROUP)
  if not o then return nil end
  return string.sub(raw, o + 1, o + m), string.sub(raw, o + 1 + m, o + m + n)
end
local function blob_write(key, raw)
  blob_cache[key] = raw
  if #raw == 0 then redis.call('DEL', key) else redis.call('SET', key, raw) end
end
local function blob_put(num, shingles, anchors)
  local key = blob_key(num)
  local head = string.char(num % BLOB_GROUP + (#anchors > 0 and HAS_ANCHORS or 0))
  blob_write(key, blob_raw(key) .. head .. shingles .. anchors)
end
local function blob_del(num)
  local key = blob_key(num)
  local raw = blob_raw(key)
  local o, m, n = blob_find(raw, num % BLOB_GROUP)
  if o then blob_write(key, string.sub(raw, 1, o - 1) .. string.sub(raw, o + 1 + m + n)) end
end

-- anchor samples, as queried (anchors.py): >H tau, >H n, n x >H ascending, then n regions of 2 bits, 4 to a byte
local function parse_anchors(blob)
  local tau, n = struct.unpack('>I2I2', blob)
  local a = {tau = tau, n = n, v = {}, region = {}}
  local bytes = {string.byte(blob, 5, #blob)}
  for i = 1, n do
    a.v[i] = bytes[2 * i - 1] * 256 + bytes[2 * i]
    a.region[i] = math.floor(bytes[2 * n + math.floor((i - 1) / 4) + 1] / 4 ^ ((i - 1) % 4)) % 4
  end
  return a
end
-- as stored (anchors.stored_anchors): >H tau, 4 x B features per region, then 12-bit scaled features
local function parse_stored_anchors(blob)
  local tau = struct.unpack('>I2', blob)
  local bytes = {string.byte(blob, 3, #blob)}
  local b = {tau = tau, key = {}, region = {}, set = {}}
  local i = 0
  for r = 0, 3 do
    for _ = 1, bytes[r + 1] do
      i = i + 1
      local k = unpack12(bytes, 4, i)
      b.key[i], b.region[i], b.set[k] = k, r, i
    end
  end
  b.n = i
  return b
end
-- share of compared features (region[i], hit[i] for i = 1..n) in regions where at least ANCHOR_QUORUM are shared
local function anchor_cover(n, region, hit)
  local count, h = {0, 0, 0, 0}, {0, 0, 0, 0}
  for i = 1, n do
    local r = region[i] + 1
    count[r] = count[r] + 1
    if hit[i] then h[r] = h[r] + 1 end
  end
  local good = 0
  for r = 1, 4 do
    if h[r] >= 1 and h[r] >= ANCHOR_QUORUM * count[r] then good = good + count[r] end
  end
  return n > 0 and good / n or 0
end
-- anchor pairs in common below the smaller threshold, their share of the larger sample, and the smaller of the
-- two texts' covers (how evenly the shared pairs spread over each text: a mix shares them in one part only);
-- a is a query sample, b a stored one, compared in b's scale
local function anchor_match(a, b)
  local tau = math.min(a.tau, b.tau)
  local scale = SCALE / (b.tau + 1)
  local na, nb, shared, aregion, ahit, bregion, bhit, bseen = 0, 0, 0, {}, {}, {}, {}, {}
  for i = 1, a.n do
    if a.v[i] <= tau then
      na = na + 1
      aregion[na] = a.region[i]
      local j = b.set[math.floor(a.v[i] * scale)]
      if j and not bseen[j] then shared = shared + 1; ahit[na] = true; bseen[j] = true end
    end
  end
  local limit = (tau + 1) * scale  -- b's keys below it are its features <= tau
  for j = 1, b.n do
    if b.key[j] < limit then
      nb = nb + 1
      bregion[nb], bhit[nb] = b.region[j], bseen[j]
    end
  end
  local larger = math.max(na, nb)
  if larger == 0 then return 0, 0, 0 end
  return shared, shared / larger, math.min(anchor_cover(na, aregion, ahit), anchor_cover(nb, bregion, bhit))
end

-- postings ---------------------------------------------------------------------
-- a bucket is entries of W[t] bytes of feature (its value // SHIFT[t]: the bucket number gives the rest, as every
-- bucket number is the value modulo a multiple of N0 >= SHIFT) and 3 bytes of document number, oldest first
local W, SHIFT = {p = 3, q = 2}, {p = 16, q = 1}
local WIDTH = {p = '>I3', q = '>I2'}
local pk_cache = {}
local function pk_raw(key)
  local raw = pk_cache[key]
  if raw == nil then raw = redis.call('GET', key) or ''; pk_cache[key] = raw end
  return raw
end
local function full_num(low)  -- the latest document number with these low 24 bits (see the layout above)
  local seq = mget('seq')
  return seq - (seq - low) % 16777216
end
local function pk_num(raw, o, w) return full_num((struct.unpack('>I3', raw, o + w))) end  -- the entry at o's
local function pk_live_from(raw, w)  -- offset of the first entry not of an evicted document
  local tail, o = mget('tail'), 1
  while o < #raw and pk_num(raw, o, w) < tail do o = o + w + 3 end
  return o
end
local function pk_write(t, key, raw, removed)
  pk_cache[key] = raw
  if #raw == 0 then redis.call('DEL', key) else redis.call('SET', key, raw) end
  if removed ~= 0 then mset(t .. 'n', mget(t .. 'n') - removed) end
end
local function pk_split(t)
  local base, s = lh_base(t), mget(t .. 's')
  local src, dst = P .. t .. ':' .. num_str(s), P .. t .. ':' .. num_str(s + base)
  local w = W[t]
  local raw = pk_raw(src)
  local o = pk_live_from(raw, w)
  local stay, move = {}, {}
  local low = s % SHIFT[t]
  for at = o, #raw, w + 3 do
    local e = string.sub(raw, at, at + w + 2)
    local value = struct.unpack(WIDTH[t], e) * SHIFT[t] + low
    if value % (2 * base) == s then stay[#stay + 1] = e else move[#move + 1] = e end
  end
  pk_write(t, src, table.concat(stay), (o - 1) / (w + 3))
  pk_write(t, dst, pk_raw(dst) .. table.concat(move), 0)
  s = s + 1
  if s >= base then mset(t .. 'L', mget(t .. 'L') + 1); s = 0 end
  mset(t .. 's', s)
end
local function pk_feature(t, value) return struct.pack(WIDTH[t], math.floor(value / SHIFT[t])) end
-- offsets in raw of the entries of feature f (w bytes)
local function pk_find(raw, f, w)
  local out, init = {}, 1
  while true do
    local at = string.find(raw, f, init, true)
    if not at then return out end
    if (at - 1) % (w + 3) == 0 then out[#out + 1] = at; init = at + w + 3 else init = at + 1 end
  end
end
-- the live documents posted under value (newest last)
local function pk_get(t, value)
  local w = W[t]
  local raw = pk_raw(lh_key(t, value))
  local tail, nums = mget('tail'), {}
  for _, at in ipairs(pk_find(raw, pk_feature(t, value), w)) do
    local num = pk_num(raw, at, w)
    if num >= tail then nums[#nums + 1] = num end
  end
  return nums
end
-- post num under value: evicted documents leave the bucket, and the feature's oldest when it holds POSTING_CAP;
-- posting num twice leaves one entry (a sharded index's client may repeat a post: lua_shards)
local function pk_add(t, value, num)
  local w, key, f = W[t], lh_key(t, value), pk_feature(t, value)
  local raw = pk_raw(key)
  local low = struct.pack('>I3', num % 16777216)
  local o = pk_live_from(raw, w)
  local removed = (o - 1) / (w + 3)
  raw = string.sub(raw, o)
  local mine = pk_find(raw, f, w)
  for _, at in ipairs(mine) do
    if string.sub(raw, at + w, at + w + 2) == low then return end
  end
  if #mine >= POSTING_CAP then
    raw = string.sub(raw, 1, mine[1] - 1) .. string.sub(raw, mine[1] + w + 3)
    removed = removed + 1
  end
  pk_write(t, key, raw .. f .. low, removed - 1)
  if mget(t .. 'n') > PACKED_LOAD * (lh_base(t) + mget(t .. 's')) then pk_split(t) end
end
-- drop evicted documents' entries from up to limit buckets, from a cursor going round the table
local function pk_purge(t, limit)
  if mget(t .. 'n') == 0 then return end  -- nothing posted here (a sharded index's record slot: lua_shards)
  local buckets = lh_base(t) + mget(t .. 's')
  local c = mget(t .. 'c')
  for _ = 1, math.min(limit, buckets) do
    if c >= buckets then c = 0 end
    local key = P .. t .. ':' .. num_str(c)
    local raw = pk_raw(key)
    local o = pk_live_from(raw, W[t])
    if o > 1 then pk_write(t, key, string.sub(raw, o), (o - 1) / (W[t] + 3)) end
    c = c + 1
  end
  if c ~= mget(t .. 'c') then mset(t .. 'c', c) end
end

-- eviction -----------------------------------------------------------------
local function drop(num, rec)
  redis.call('HDEL', rec_key(num), rec_field(num))
  redis.call('HDEL', ev_key(num), rec_field(num))
  id_del(rec_idfield(rec), string.byte(rec, 1) >= 16, num)
  if rec_kind(rec) ~= 0 then return end
  local ex = string.sub(rec, 12, 19)
  local exh = u32(ex)
  local cur2 = lh_get('x', exh, ex)
  if cur2 and u32(cur2) == num then lh_del('x', exh, ex) end
  blob_del(num)  -- its postings go when their buckets are next written or purged (pk_add, pk_purge)
end

-- evict up to limit expired documents, oldest first, and purge as many posting buckets of each table
-- (at least min_purge)
local function evict(limit, min_purge)
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
  local purge = math.max(done, min_purge)
  if purge > 0 then pk_purge('p', purge); pk_purge('q', purge) end
  return done
end
"""
