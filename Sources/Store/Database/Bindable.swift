import CSQLite

/// SQLite's "copy the bytes now" destructor, so bound Swift buffers need not outlive the call.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One parameter of a prepared statement, as a bindable value sees it: the C handle stays inside Store.
public struct ParameterSlot {
    let statement: OpaquePointer
    let index: Int32
}

/// A value that can be bound to a statement parameter. Only Store's own conformances touch `sqlite3_bind_*`;
/// a type elsewhere binds through one of them (`slot.bind(someString)`).
public protocol DatabaseBindable {
    /// Binds the value; returns SQLite's result code.
    func bind(to slot: ParameterSlot) -> Int32
}

extension ParameterSlot {
    /// Binds `value` here, for conformances outside Store that delegate to a built-in type.
    public func bind(_ value: some DatabaseBindable) -> Int32 { value.bind(to: self) }
    func bindNull() -> Int32 { sqlite3_bind_null(statement, index) }
}

extension Int: DatabaseBindable {
    public func bind(to slot: ParameterSlot) -> Int32 {
        sqlite3_bind_int64(slot.statement, slot.index, Int64(self))
    }
}
extension Int64: DatabaseBindable {
    public func bind(to slot: ParameterSlot) -> Int32 {
        sqlite3_bind_int64(slot.statement, slot.index, self)
    }
}
extension Bool: DatabaseBindable {
    public func bind(to slot: ParameterSlot) -> Int32 {
        sqlite3_bind_int64(slot.statement, slot.index, self ? 1 : 0)
    }
}
extension Double: DatabaseBindable {
    public func bind(to slot: ParameterSlot) -> Int32 {
        sqlite3_bind_double(slot.statement, slot.index, self)
    }
}
extension String: DatabaseBindable {
    public func bind(to slot: ParameterSlot) -> Int32 {
        var copy = self
        return copy.withUTF8 { buffer in
            // A non-null pointer even for "", so SQLite stores '' rather than NULL.
            let base = buffer.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(("" as StaticString).utf8Start)
            return sqlite3_bind_text(slot.statement, slot.index, base.assumingMemoryBound(to: CChar.self), Int32(buffer.count), transient)
        }
    }
}
extension Array: DatabaseBindable where Element == UInt8 {
    public func bind(to slot: ParameterSlot) -> Int32 {
        withUnsafeBytes { sqlite3_bind_blob(slot.statement, slot.index, $0.baseAddress, Int32($0.count), transient) }
    }
}
extension Optional: DatabaseBindable where Wrapped: DatabaseBindable {
    public func bind(to slot: ParameterSlot) -> Int32 {
        switch self {
        case .none: return slot.bindNull()
        case let .some(value): return value.bind(to: slot)
        }
    }
}

/// UTF-8 text in a buffer of its own, bound without copying: SQLite reads it in place while the statement runs,
/// which every call of `Statement` does while its caller still holds the value.
public final class UTF8Text: DatabaseBindable, @unchecked Sendable {
    private let base: UnsafeMutablePointer<UInt8>
    public let count: Int

    /// Takes ownership of `base`, which must have been allocated with `UnsafeMutablePointer.allocate`.
    init(taking base: UnsafeMutablePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    deinit { base.deallocate() }

    /// The text as a Swift string (for engines other than SQLite).
    public var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

    public func bind(to slot: ParameterSlot) -> Int32 {
        UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: count) {
            sqlite3_bind_text(slot.statement, slot.index, $0, Int32(count), nil)
        }
    }
}

/// SQL NULL, for binding where no typed optional is at hand.
public struct DatabaseNull: DatabaseBindable {
    public init() {}
    public func bind(to slot: ParameterSlot) -> Int32 {
        slot.bindNull()
    }
}

/// Positional parameter binding for `Statement.execute(binding:)`.
public struct Bindings {
    let handle: OpaquePointer
    var index: Int32 = 0
    var result = SQLITE_OK

    init(handle: OpaquePointer) { self.handle = handle }

    public mutating func add<T: DatabaseBindable>(_ value: T) {
        index += 1
        record(value.bind(to: ParameterSlot(statement: handle, index: index)))
    }

    public mutating func add<T: DatabaseBindable>(_ value: T?) {
        index += 1
        record(value.map { $0.bind(to: ParameterSlot(statement: handle, index: index)) } ?? sqlite3_bind_null(handle, index))
    }

    /// Large texts bound in place, kept alive here until the statement has run (`execute(binding:)` holds the
    /// bindings until then).
    private var retained: [String] = []
    var bindsInPlace: Bool { !retained.isEmpty }

    /// Binds a text that may be large (a run's output, its conversation state) without SQLite's copy: a 20 MB
    /// output copied for the insert was 20 MB more at the moment a run is written. The string's own UTF-8
    /// storage is bound, and the string is retained until the statement has run. Short texts bind as usual.
    public mutating func add(large text: String?) {
        guard var text, text.utf8.count >= 1 << 16 else { add(text); return }
        index += 1
        text.makeContiguousUTF8()
        retained.append(text)
        let slot = index
        record(text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                sqlite3_bind_text(handle, slot, $0.baseAddress, Int32($0.count), nil)
            }
        })
    }

    private mutating func record(_ code: Int32) {
        if code != SQLITE_OK, result == SQLITE_OK { result = code }
    }
}
