import Core
import Foundation

/// Variations made without a model: the same seed, base input, persona and strategy always give the same text.
enum DeterministicVariations {
    static func vary(_ input: String, strategy: VariationStrategy, persona: Persona?, seed: Int, key: String) -> String {
        var random = SeededRandom(seed: seed, key: "\(strategy.rawValue)\u{0}\(persona?.name ?? "")\u{0}\(key)")
        switch strategy {
        case .lowercase: return input.lowercased()
        case .uppercase: return input.uppercased()
        case .noPunctuation:
            return String(input.unicodeScalars.filter { !CharacterSet.punctuationCharacters.contains($0) }.map(Character.init))
        case .extraPunctuation:
            let trimmed = input.trimmingCharacters(in: CharacterSet(charactersIn: ".!? "))
            return trimmed + ["??", "?!", "!!!", "???"][random.next(4)]
        case .typo: return typos(input, random: &random)
        case .personaPrefix:
            guard let persona, !persona.description.isEmpty else { return input }
            var who = persona.description.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ".")))
            if let first = who.first, who.dropFirst().first?.isUppercase != true { who = first.lowercased() + who.dropFirst() }
            return "I'm \(who). \(input)"
        case .filler:
            return ["Quick question: ", "Hi, ", "Um, so ", "Hey there! "][random.next(4)] + input
        default: return input
        }
    }

    /// One to three slips in words of four letters or more: swapped neighbours, a dropped or a doubled letter.
    private static func typos(_ input: String, random: inout SeededRandom) -> String {
        var words = input.split(separator: " ", omittingEmptySubsequences: false).map { Array($0) }
        let candidates = words.indices.filter { words[$0].filter(\.isLetter).count >= 4 }
        guard !candidates.isEmpty else { return input }
        let count = min(candidates.count, 1 + random.next(3))
        var chosen: [Int] = []
        var pool = candidates
        for _ in 0..<count { chosen.append(pool.remove(at: random.next(pool.count))) }
        for index in chosen {
            var word = words[index]
            let letters = word.indices.filter { word[$0].isLetter }
            let position = letters[1 + random.next(letters.count - 2)]
            switch random.next(3) {
            case 0 where position + 1 < word.count && word[position + 1].isLetter: word.swapAt(position, position + 1)
            case 1: word.remove(at: position)
            default: word.insert(word[position], at: position)
            }
            words[index] = word
        }
        return words.map { String($0) }.joined(separator: " ")
    }
}

/// SplitMix64 seeded from the seed and a key, so each variation's randomness is its own.
struct SeededRandom {
    private var state: UInt64

    init(seed: Int, key: String) {
        var hasher = FNV1a()
        hasher.combine(String(seed))
        hasher.combine([0])
        hasher.combine(key)
        state = hasher.value
    }

    mutating func nextValue() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound.
    mutating func next(_ bound: Int) -> Int { Int(nextValue() % UInt64(max(bound, 1))) }
}
