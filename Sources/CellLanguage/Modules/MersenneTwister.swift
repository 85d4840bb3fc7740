/// CPython's core generator (Modules/_randommodule.c): MT19937, seeded by init_by_array,
/// with random() and getrandbits() built from its 32-bit outputs exactly as CPython builds
/// them, so a seed gives CPython's numbers.
struct MersenneTwister {
  static let n = 624
  private static let m = 397
  /// The 624 words of state and the position of the next word to hand out (624: regenerate).
  private(set) var state = [UInt32](repeating: 0, count: n)
  private(set) var index = n + 1

  /// init_genrand: the state from one 32-bit number (the start of init_by_array).
  private mutating func seed(_ s: UInt32) {
    state[0] = s
    for i in 1..<Self.n {
      state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
    }
    index = Self.n
  }

  /// init_by_array: what random.seed does with the seed's 32-bit words, least significant first.
  mutating func seed(key: [UInt32]) {
    let key = key.isEmpty ? [0] : key
    seed(19_650_218)
    var (i, j) = (1, 0)
    for _ in 0..<max(Self.n, key.count) {
      state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
      (i, j) = (i + 1, j + 1)
      if i >= Self.n { state[0] = state[Self.n - 1]; i = 1 }
      if j >= key.count { j = 0 }
    }
    for _ in 0..<(Self.n - 1) {
      state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
      i += 1
      if i >= Self.n { state[0] = state[Self.n - 1]; i = 1 }
    }
    state[0] = 0x8000_0000  // the most significant bit is 1, so the state is never all zeros
  }

  /// Restores a state getstate() gave (setstate has checked the index is in 0...624).
  mutating func restore(_ words: [UInt32], index: Int) {
    state = words
    self.index = index
  }

  /// genrand_uint32: the next 32 random bits.
  mutating func next() -> UInt32 {
    if index >= Self.n { twist() }
    var y = state[index]
    index += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    return y ^ (y >> 18)
  }

  private mutating func twist() {
    func mixed(_ a: UInt32, _ b: UInt32, _ far: UInt32) -> UInt32 {
      let y = (a & 0x8000_0000) | (b & 0x7FFF_FFFF)
      return far ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
    }
    for k in 0..<Self.n {
      state[k] = mixed(state[k], state[(k + 1) % Self.n], state[(k + Self.m) % Self.n])
    }
    index = 0
  }

  /// random(): 27 bits then 26 bits make a 53-bit float in [0, 1).
  mutating func unit() -> Double {
    let a = Double(next() >> 5), b = Double(next() >> 6)
    return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
  }

  /// getrandbits(k) for 0 <= k <= 64: 32-bit words, least significant first, the last one
  /// cut to its top bits (k <= 32 takes the top k bits of one word).
  mutating func bits(_ k: Int) -> UInt64 {
    precondition((0...64).contains(k))
    if k == 0 { return 0 }
    if k <= 32 { return UInt64(next() >> (32 - k)) }
    let low = UInt64(next())
    return low | UInt64(next() >> (64 - k)) << 32
  }

  /// _randbelow_with_getrandbits: an integer in 0..<n (n > 0), drawing n.bit_length() bits
  /// until one is below n.
  mutating func below(_ n: Int) -> Int {
    precondition(n > 0)
    let k = Int.bitWidth - n.leadingZeroBitCount
    while true {
      let r = Int(bits(k))
      if r < n { return r }
    }
  }
}
