/// How a base input is varied. The first nine are FluxLoop's (a model rewrites the input); the
/// deterministic ones are ours and need no model.
public enum VariationStrategy: String, Sendable, CaseIterable {
    case rephrase, verbose, concise, typo, errorProne = "error_prone", personaBased = "persona_based"
    case adversarial, multilingual, custom
    /// The base input as written.
    case original
    case lowercase, uppercase
    case noPunctuation = "no_punctuation", extraPunctuation = "extra_punctuation"
    case personaPrefix = "persona_prefix", filler

    /// Strategies a model carries out (`--mode llm`).
    public static let llm: [VariationStrategy] = [.rephrase, .verbose, .concise, .typo, .errorProne, .personaBased,
                                                  .adversarial, .multilingual, .custom]
    /// Strategies `--mode deterministic` carries out without a model.
    public static let deterministic: [VariationStrategy] = [.original, .lowercase, .uppercase, .typo, .noPunctuation,
                                                            .extraPunctuation, .personaPrefix, .filler]
    /// FluxLoop's default when neither the command nor the config names any.
    public static let llmDefault: [VariationStrategy] = [.rephrase, .verbose, .concise]
    public static let deterministicDefault: [VariationStrategy] = [.lowercase, .typo, .personaPrefix, .noPunctuation]

    /// What the model is asked to do, in our own words.
    var instruction: String {
        switch self {
        case .rephrase: "Say the same thing in different words, keeping the intent."
        case .verbose: "Say it at more length: add context or a related second question, as a chatty user would."
        case .concise: "Say it as briefly as a hurried user would, a few words if possible."
        case .typo, .errorProne: "Write it carelessly: a few spelling mistakes, missing capitals or punctuation."
        case .personaBased: "Say it the way this particular user would, with their vocabulary and concerns."
        case .adversarial: "Make it a tricky edge case: ambiguous, contradictory or pushing the agent off its task."
        case .multilingual: "Write it in a language other than English that this user might speak."
        case .custom: "Vary it in a realistic way of your choosing."
        default: "Keep it as it is."
        }
    }

    /// Parses names as written on the command line or in `variation_strategies` (case and `-` tolerant).
    static func parse(_ name: String) -> VariationStrategy? {
        VariationStrategy(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "_"))
    }
}

import Core
import Foundation
