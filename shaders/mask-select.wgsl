// Exact top-k selection over u32 keys (from shaders/mask-score.wgsl): flags[i] = 1 for the k
// largest keys, ties broken by LOWER index first; k comes from the host, nothing is read back.
// Called by src/gpu/kernels/mask-select.ts, which records, in order:
//   select_histogram + select_pick  four times (shift 24, 16, 8, 0): a radix select, 8 bits per
//       pass, that narrows a prefix until it equals the k-th largest key T; `need` ends as how many
//       keys equal to T must be taken (all keys > T are taken)
//   select_count_equal  per block of 16384 positions, how many keys equal T
//   select_scan_blocks  exclusive prefix sum of those block counts (one workgroup), total last
//   select_mark         writes the flags: key > T, or key == T and its rank among the equal keys
//                       (block base + position inside the block) is below `need`
// Bindings (all entry points): keys (read), state (read_write, atomic u32), flags (read_write f32).
// state layout: [0] prefix / threshold T, [1] need, [2, 1026) four 256-bin histograms (one per
// pass, zeroed by the host before the first pass), [1026, 1026 + blocks + 1) block counts.
// A block is 16384 consecutive positions, 64 per thread of a 256-thread workgroup. Large blocks
// because SwiftShader pays a lot per workgroup: a histogram pass over 1M keys took about 50 ms at
// 64 positions per thread, 100 ms at 16 and 450 ms at 4; 64 per thread still leaves 64
// workgroups per 1M positions for a real GPU.

@group(0) @binding(0) var<storage, read> keys: array<u32>;              // selection keys (n)
@group(0) @binding(1) var<storage, read_write> state: array<atomic<u32>>; // see layout above
@group(0) @binding(2) var<storage, read_write> flags: array<f32>;       // out 0/1 (n)
@group(0) @binding(3) var<uniform> params: Params;

struct Params {
  n: u32,           // positions (block count for select_scan_blocks)
  k: u32,           // how many to select (1 <= k <= count of nonzero keys)
  radix_pass: u32,  // radix pass 0..3 (histogram and pick)
  shift: u32,       // 24 - 8 * radix_pass
}

// ACCUMULATE: set flags of selected positions to 1 and leave the others (used to add the grown
// set onto the kept set); otherwise write 0 or 1 everywhere.
override ACCUMULATE: bool = false;

const HIST: u32 = 2u;
const BLOCKS: u32 = 1026u;
const ITEMS: u32 = 64u;
const BLOCK: u32 = 16384u;

var<workgroup> local_hist: array<atomic<u32>, 256>;
var<workgroup> scan_tmp: array<u32, 256>;
var<workgroup> block_total: atomic<u32>;
// Words of `state` that one thread reads for the whole workgroup and workgroupUniformLoad
// broadcasts: one atomic load per workgroup instead of per thread, and values the uniformity
// analysis accepts for the barrier-guarding branch in select_mark.
var<workgroup> shared_state: array<u32, 4>;

fn group_index(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.y * nwg.x + wid.x;
}

// Inclusive prefix sum of scan_tmp over the workgroup (Hillis-Steele); all threads must call it.
fn scan_inclusive(lid: u32) {
  for (var off = 1u; off < 256u; off <<= 1u) {
    var add = 0u;
    if (lid >= off) { add = scan_tmp[lid - off]; }
    workgroupBarrier();
    scan_tmp[lid] += add;
    workgroupBarrier();
  }
}

// Dispatch: grid1d(ceil(n / 16384)) x 256 threads; each thread 64 positions strided by 256.
// Counts the digit (key >> shift) & 255 of keys whose higher digits equal the current prefix.
@compute @workgroup_size(256)
fn select_histogram(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                    @builtin(local_invocation_index) lid: u32) {
  atomicStore(&local_hist[lid], 0u);
  if (lid == 0u) { shared_state[0] = atomicLoad(&state[0]); }
  let prefix = workgroupUniformLoad(&shared_state)[0];
  let base = group_index(wid, nwg) * BLOCK;
  for (var e = 0u; e < ITEMS; e++) {
    let i = base + e * 256u + lid;
    if (i < params.n) {
      let key = keys[i];
      // Pass 0 takes every key; a shift by 32 would be taken modulo 32, hence the guard.
      if (params.radix_pass == 0u || (key >> (params.shift + 8u)) == (prefix >> (params.shift + 8u))) {
        atomicAdd(&local_hist[(key >> params.shift) & 255u], 1u);
      }
    }
  }
  workgroupBarrier();
  let count = atomicLoad(&local_hist[lid]);
  if (count > 0u) { atomicAdd(&state[HIST + params.radix_pass * 256u + lid], count); }
}

// Dispatch: one workgroup of 256, thread d = digit d. Finds the digit where the count of larger
// keys first reaches `need`, appends it to the prefix and subtracts the larger keys from `need`.
@compute @workgroup_size(256)
fn select_pick(@builtin(local_invocation_index) lid: u32) {
  let count = atomicLoad(&state[HIST + params.radix_pass * 256u + lid]);
  // Suffix sums: scan the digits in descending order (thread lid holds digit 255 - lid).
  scan_tmp[lid] = atomicLoad(&state[HIST + params.radix_pass * 256u + 255u - lid]);
  workgroupBarrier();
  scan_inclusive(lid);
  // at_or_above[d] = keys with digit >= d = inclusive scan at position 255 - d.
  let at_or_above = scan_tmp[255u - lid];
  let above = at_or_above - count;
  var need = params.k;
  var prefix = 0u;
  if (params.radix_pass > 0u) {
    prefix = atomicLoad(&state[0]);
    need = atomicLoad(&state[1]);
  }
  // Every thread has read state before the single winner writes it.
  storageBarrier();
  if (above < need && need <= at_or_above) {
    atomicStore(&state[0], prefix | (lid << params.shift));
    atomicStore(&state[1], need - above);
  }
}

// Dispatch: grid1d(ceil(n / 16384)) x 256 threads. state[BLOCKS + block] = keys == T in the block.
@compute @workgroup_size(256)
fn select_count_equal(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                      @builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) {
    atomicStore(&block_total, 0u);
    shared_state[0] = atomicLoad(&state[0]);
  }
  let threshold = workgroupUniformLoad(&shared_state)[0];
  let block = group_index(wid, nwg);
  var count = 0u;
  for (var e = 0u; e < ITEMS; e++) {
    let i = block * BLOCK + e * 256u + lid;
    if (i < params.n && keys[i] == threshold) { count++; }
  }
  if (count > 0u) { atomicAdd(&block_total, count); }
  workgroupBarrier();
  if (lid == 0u) { atomicStore(&state[BLOCKS + block], atomicLoad(&block_total)); }
}

// Dispatch: one workgroup of 256. Exclusive prefix sum, in place, of the `n` block counts
// (params.n here is the block count), 256 at a time with a running carry; the total goes to
// state[BLOCKS + n], so block b's equal keys have ranks [state[BLOCKS + b], state[BLOCKS + b + 1]).
@compute @workgroup_size(256)
fn select_scan_blocks(@builtin(local_invocation_index) lid: u32) {
  var carry = 0u;
  let chunks = (params.n + 255u) / 256u;
  for (var c = 0u; c < chunks; c++) {
    let i = c * 256u + lid;
    var v = 0u;
    if (i < params.n) { v = atomicLoad(&state[BLOCKS + i]); }
    scan_tmp[lid] = v;
    workgroupBarrier();
    scan_inclusive(lid);
    if (i < params.n) { atomicStore(&state[BLOCKS + i], carry + scan_tmp[lid] - v); }
    carry += scan_tmp[255];
    workgroupBarrier();
  }
  if (lid == 0u) { atomicStore(&state[BLOCKS + params.n], carry); }
}

fn mark(i: u32, chosen: bool) {
  if (ACCUMULATE) {
    if (chosen) { flags[i] = 1.0; }
  } else {
    flags[i] = select(0.0, 1.0, chosen);
  }
}

// Dispatch: grid1d(ceil(n / 16384)) x 256 threads, one block each. Only the block whose range of
// equal-key ranks straddles `need` ranks its keys one by one (a workgroup scan over threads that
// own consecutive positions); every other block takes all or none of its equal keys.
@compute @workgroup_size(256)
fn select_mark(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
               @builtin(local_invocation_index) lid: u32) {
  let block = group_index(wid, nwg);
  if (lid == 0u) {
    shared_state[0] = atomicLoad(&state[0]);
    shared_state[1] = atomicLoad(&state[1]);
    shared_state[2] = atomicLoad(&state[BLOCKS + block]);
    shared_state[3] = atomicLoad(&state[BLOCKS + block + 1u]);
  }
  let st = workgroupUniformLoad(&shared_state);
  let threshold = st[0];
  let need = st[1];
  let block_base = st[2];
  let ranked = block_base < need && need < st[3];
  if (ranked) {
    // Thread t owns the 64 consecutive positions t*64 .. t*64+63, so rank order is index order.
    let base = block * BLOCK + lid * ITEMS;
    var count = 0u;
    for (var e = 0u; e < ITEMS; e++) {
      let i = base + e;
      if (i < params.n && keys[i] == threshold) { count++; }
    }
    scan_tmp[lid] = count;
    workgroupBarrier();
    scan_inclusive(lid);
    var rank = block_base + scan_tmp[lid] - count;
    for (var e = 0u; e < ITEMS; e++) {
      let i = base + e;
      if (i < params.n) {
        let key = keys[i];
        var chosen = key > threshold;
        if (key == threshold) {
          chosen = rank < need;
          rank++;
        }
        mark(i, chosen);
      }
    }
  } else {
    // Order does not matter here: neighbouring threads take neighbouring positions.
    let take_equal = block_base < need;
    for (var e = 0u; e < ITEMS; e++) {
      let i = block * BLOCK + e * 256u + lid;
      if (i < params.n) {
        let key = keys[i];
        mark(i, key > threshold || (key == threshold && take_equal));
      }
    }
  }
}
