import Testing
@testable import Report

@Suite struct WordDiffTests {
    @Test func identical() {
        #expect(WordDiff.diff("a b  c", "a b c") == [.same("a b c")])
    }

    @Test func replacedWordInTheMiddle() {
        #expect(WordDiff.diff("open the Security tab now", "open the Account tab now")
                == [.same("open the"), .removed("Security"), .added("Account"), .same("tab now")])
    }

    @Test func insertionAndDeletion() {
        #expect(WordDiff.diff("one two three", "zero one three four")
                == [.added("zero"), .same("one"), .removed("two"), .same("three"), .added("four")])
    }

    @Test func emptySides() {
        #expect(WordDiff.diff("", "new text") == [.added("new text")])
        #expect(WordDiff.diff("old", "") == [.removed("old")])
        #expect(WordDiff.diff("", "") == [])
    }

    @Test func hugeInputsFallBackToReplace() {
        let a = (0..<3000).map { "a\($0)" }.joined(separator: " "), b = (0..<3000).map { "b\($0)" }.joined(separator: " ")
        let d = WordDiff.diff(a, b)
        #expect(d.count == 2)
    }
}

@Suite struct TurnAlignmentTests {
    let base: [ReportTurn] = [
        .init(.user, "How do I reset my password?"), .init(.assistant, "Open Settings and click Reset."),
        .init(.user, "Thanks, that worked."), .init(.assistant, "Glad to help!"),
        .init(.supervisor, "Goal met; ending.", closing: true),
    ]

    @Test func identicalConversations() {
        let rows = TurnAlignment.align(base, base)
        #expect(rows.count == 5)
        #expect(rows.allSatisfy { $0.kind == .same && $0.base == $0.head })
        #expect(TurnAlignment.firstDivergence(rows) == nil)
    }

    @Test func insertedTurnsDoNotShiftLaterTurns() {
        var head = base
        head.insert(contentsOf: [.init(.user, "Which menu is Security under on mobile?"), .init(.assistant, "Tap your avatar, then Account.")], at: 2)
        let rows = TurnAlignment.align(base, head)
        #expect(rows.map(\.kind) == [.same, .same, .inserted, .inserted, .same, .same, .same])
        #expect(rows[4].base == 2 && rows[4].head == 4)
        #expect(TurnAlignment.firstDivergence(rows) == 2)
    }

    @Test func droppedTurn() {
        var head = base
        head.remove(at: 3)
        let rows = TurnAlignment.align(base, head)
        #expect(rows.map(\.kind) == [.same, .same, .same, .dropped, .same])
        #expect(rows[3].base == 3 && rows[3].head == nil)
        #expect(rows[4].base == 4 && rows[4].head == 3)
    }

    @Test func changedWordingStaysAligned() {
        var head = base
        head[1] = .init(.assistant, "Open Settings, then Account, and click Reset.")
        let rows = TurnAlignment.align(base, head)
        #expect(rows.map(\.kind) == [.same, .changed, .same, .same, .same])
        #expect(TurnAlignment.firstDivergence(rows) == 1)
    }

    @Test func normalisationIgnoresCaseAndPunctuation() {
        let rows = TurnAlignment.align([.init(.user, "Hello, World!")], [.init(.user, "hello world")])
        #expect(rows.map(\.kind) == [.same])
    }

    @Test func differentRolesNeverAlign() {
        let rows = TurnAlignment.align([.init(.user, "same text")], [.init(.assistant, "same text")])
        #expect(Set(rows.map(\.kind)) == [.dropped, .inserted])
    }
}
