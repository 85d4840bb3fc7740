/// `import heapq` and `import bisect`: Python's priority queue and sorted-list helpers on
/// plain lists. The heap functions are CPython's sift steps, so a heap list holds its items
/// in the same order as there (users print heaps).
enum HeapModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "heapq", summary: "Min-heaps on plain lists, as Python's heapq.",
      functions: [
        Builtin("heappush(heap, item)", summary: "Adds item, keeping the heap invariant.") { a, _ in
          let h = try heap(a, "heappush")
          h.items.append(a["item"]!)
          try siftDown(h, 0, h.items.count - 1)
          return .none
        },
        Builtin("heappop(heap)", summary: "Removes and returns the smallest item.") { a, _ in
          let h = try heap(a, "heappop")
          guard let last = h.items.popLast() else { throw CellError(ename: "IndexError", "index out of range") }
          guard !h.items.isEmpty else { return last }
          let smallest = h.items[0]
          h.items[0] = last
          try siftUp(h, 0)
          return smallest
        },
        Builtin("heapreplace(heap, item)", summary: "Pops the smallest item, then pushes item (one step).") { a, _ in
          let h = try heap(a, "heapreplace")
          guard !h.items.isEmpty else { throw CellError(ename: "IndexError", "index out of range") }
          let smallest = h.items[0]
          h.items[0] = a["item"]!
          try siftUp(h, 0)
          return smallest
        },
        Builtin("heappushpop(heap, item)", summary: "Pushes item, then pops the smallest (one step).") { a, _ in
          let h = try heap(a, "heappushpop")
          var item = a["item"]!
          if let top = h.items.first, try less(top, item) {
            (item, h.items[0]) = (top, item)
            try siftUp(h, 0)
          }
          return item
        },
        Builtin("heapify(x)", summary: "Rearranges the list x into a heap, in place.") { a, _ in
          guard case .list(let h) = a["x"]! else { throw notList("heapify", a["x"]!) }
          for i in stride(from: h.items.count / 2 - 1, through: 0, by: -1) { try siftUp(h, i) }
          return .none
        },
        Builtin("nlargest(n, iterable, key=None)", summary: "The n largest items, largest first (sorted(iterable, key=key, reverse=True)[:n]).") { a, ctx in
          try first(a, ctx, reverse: true)
        },
        Builtin("nsmallest(n, iterable, key=None)", summary: "The n smallest items, smallest first (sorted(iterable, key=key)[:n]).") { a, ctx in
          try first(a, ctx, reverse: false)
        },
        Builtin("merge(*iterables, key=None, reverse=False)", summary: "The sorted iterables merged into one sorted list.") { a, ctx in
          var all: [Value] = []
          for it in a.variadic { all += try ValueIterator.collect(it) }
          return .list(ListObject(try StandardLibrary.sortedValues(all, a, ctx)))
        },
      ])
  }

  private static func heap(_ a: BoundArguments, _ function: String) throws(CellError) -> ListObject {
    guard case .list(let h) = a["heap"]! else { throw notList(function, a["heap"]!) }
    return h
  }

  private static func notList(_ function: String, _ v: Value) -> CellError {
    CellError.typeError("\(function)() argument 1 must be list, not \(v.typeName)")
  }

  private static func less(_ x: Value, _ y: Value) throws(CellError) -> Bool { try Operators.compare(.less, x, y) }

  private static func first(_ a: BoundArguments, _ ctx: CallContext, reverse: Bool) throws(CellError) -> Value {
    let n = try a.int("n", default: 0)
    var bound = a
    bound.values["reverse"] = .bool(reverse)
    let sorted = try StandardLibrary.sortedValues(try ValueIterator.collect(a["iterable"]!), bound, ctx)
    return .list(ListObject(Array(sorted.prefix(max(0, n)))))
  }

  /// CPython's `_siftdown`: moves the item at `pos` up toward `start` while it is smaller than its parent.
  private static func siftDown(_ h: ListObject, _ start: Int, _ at: Int) throws(CellError) {
    var pos = at
    let item = h.items[pos]
    while pos > start {
      let parent = (pos - 1) >> 1
      guard try less(item, h.items[parent]) else { break }
      h.items[pos] = h.items[parent]
      pos = parent
    }
    h.items[pos] = item
  }

  /// CPython's `_siftup`: moves the smaller child up until a leaf, then sifts the item down.
  private static func siftUp(_ h: ListObject, _ at: Int) throws(CellError) {
    let end = h.items.count
    var pos = at
    let item = h.items[pos]
    var child = 2 * pos + 1
    while child < end {
      let right = child + 1
      if right < end, try !less(h.items[child], h.items[right]) { child = right }
      h.items[pos] = h.items[child]
      pos = child
      child = 2 * pos + 1
    }
    h.items[pos] = item
    try siftDown(h, at, pos)
  }
}

enum BisectModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "bisect", summary: "Binary search and insertion in sorted lists, as Python's bisect.",
      functions: [
        Builtin("bisect_left(a, x, lo=0, hi=None, *, key=None)", summary: "Where x goes in sorted a, before equal items.") { a, ctx in
          .int(try position(a, ctx, right: false))
        },
        Builtin("bisect_right(a, x, lo=0, hi=None, *, key=None)", summary: "Where x goes in sorted a, after equal items.") { a, ctx in
          .int(try position(a, ctx, right: true))
        },
        Builtin("bisect(a, x, lo=0, hi=None, *, key=None)", summary: "Same as bisect_right.") { a, ctx in
          .int(try position(a, ctx, right: true))
        },
        Builtin("insort_left(a, x, lo=0, hi=None, *, key=None)", summary: "Inserts x into sorted a, before equal items.") { a, ctx in
          try insert(a, ctx, right: false)
        },
        Builtin("insort_right(a, x, lo=0, hi=None, *, key=None)", summary: "Inserts x into sorted a, after equal items.") { a, ctx in
          try insert(a, ctx, right: true)
        },
        Builtin("insort(a, x, lo=0, hi=None, *, key=None)", summary: "Same as insort_right.") { a, ctx in
          try insert(a, ctx, right: true)
        },
      ])
  }

  /// Python's bisect loop: `key` applies to the list's items (insort applies it to x too).
  private static func position(_ a: BoundArguments, _ ctx: CallContext, right: Bool, keyedX: Bool = false) throws(CellError) -> Int {
    let items = try ValueIterator.collect(a["a"]!)
    var lo = try a.int("lo", default: 0)
    guard lo >= 0 else { throw CellError.valueError("lo must be non-negative") }
    var hi = try a.int("hi") ?? items.count
    var key = a["key"]
    if case .none? = key { key = nil }
    var x = a["x"]!
    if keyedX, let key { x = try ctx.interpreter.call(key, Arguments([x]), context: ctx) }
    while lo < hi {
      let mid = (lo + hi) / 2
      guard mid < items.count else { throw CellError(ename: "IndexError", "list index out of range") }  // a hi past the end, as CPython
      var item = items[mid]
      if let key { item = try ctx.interpreter.call(key, Arguments([item]), context: ctx) }
      let goRight = right ? !(try Operators.compare(.less, x, item)) : try Operators.compare(.less, item, x)
      if goRight { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  private static func insert(_ a: BoundArguments, _ ctx: CallContext, right: Bool) throws(CellError) -> Value {
    guard case .list(let l) = a["a"]! else { throw CellError.typeError("insort needs a list") }
    let at = try position(a, ctx, right: right, keyedX: true)
    l.items.insert(a["x"]!, at: at)
    return .none
  }
}
