/// The values of a module's globals. Compiled code holds this object and indexes it directly.
final class GlobalStore {
    var values: ContiguousArray<Value> = []
    /// For each global made by a top-level `fn` that can never be declared again (a script or an
    /// imported module, not the REPL) and that is lean (no cells, no defers, nothing captured):
    /// its code, unretained, so that a call borrows it without loading (and counting) anything
    /// from a closure. Nil for every other global.
    private(set) var lean: ContiguousArray<Unmanaged<CompiledFunction>?> = []
    /// Keeps alive every function that `lean` points to, for as long as the store lives.
    private var pinned: [Closure] = []

    /// Adds the slot of a new global.
    func append() {
        values.append(.null)
        lean.append(nil)
    }

    /// Binds a top-level function. `fixed`: the name can never be declared again, so calls may
    /// take the function without counting a reference.
    func bind(function c: Closure, at i: Int, fixed: Bool) {
        values[i] = .function(c)
        if fixed {
            pinned.append(c)
            let p = c.proto
            lean[i] = c.captured == nil && !p.needsCellFrame && !p.hasDefer ? Unmanaged.passUnretained(p) : nil
        } else {
            lean[i] = nil
        }
    }

    /// A global declared again (REPL): its old function no longer stands for the name.
    func forget(_ i: Int) { lean[i] = nil }
}

/// A module's global names: top-level declarations of the file (or of every REPL input so far).
final class GlobalTable {
    private(set) var names: [String] = []
    private var indexByName: [String: Int] = [:]
    private var infos: [GlobalInfo] = []
    private var predeclared: Set<String> = []
    let store = GlobalStore()

    func index(of name: String) -> Int? { indexByName[name] }
    func isMutable(_ i: Int) -> Bool { infos[i].mutable }
    func isPredeclared(_ name: String) -> Bool { predeclared.contains(name) }
    func declRange(of name: String) -> SourceRange? { indexByName[name].flatMap { infos[$0].declRange } }

    /// Declares a global (or, in the REPL, declares it again: same slot, new mutability).
    @discardableResult
    func declare(_ name: String, mutable: Bool, range: SourceRange?, predeclared isHost: Bool = false) -> Int {
        if let i = indexByName[name] {
            store.forget(i)
            infos[i].mutable = mutable
            infos[i].declRange = range
            return i
        }
        let i = names.count
        names.append(name)
        indexByName[name] = i
        infos.append(GlobalInfo(name: name, mutable: mutable, declRange: range))
        store.append()
        if isHost { predeclared.insert(name) }
        return i
    }

    subscript(name: String) -> Value? {
        indexByName[name].map { store.values[$0] }
    }
}

/// Names every module sees: the core builtins and whatever the host adds (`cloud`, `args`).
final class BuiltinTable {
    private(set) var names: [String] = []
    private var indexByName: [String: Int] = [:]
    var values: ContiguousArray<Value> = []

    func index(of name: String) -> Int? { indexByName[name] }

    func define(_ name: String, _ value: Value) {
        if let i = indexByName[name] { values[i] = value; return }
        indexByName[name] = names.count
        names.append(name)
        values.append(value)
    }

    subscript(name: String) -> Value? { indexByName[name].map { values[$0] } }
}
